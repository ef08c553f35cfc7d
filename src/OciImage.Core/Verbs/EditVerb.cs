using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Rewrite;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// Changing an image without rebuilding it (regctl image mod, crane mutate): files stripped from every layer,
/// layers removed, times set, layers recompressed; on an index, every image in it. A reference in, a new image
/// written where the destination says (another store, or the same with a new tag).
/// </summary>
public static class EditVerb
{
    public static async Task<RewriteResult> EditAsync(Reference from, Reference to, RewriteOptions options, StoreContext sourceContext, StoreContext destinationContext, CancellationToken cancellationToken)
    {
        if (SameStore(from, to))
        {
            using var store = ImageStores.OpenForUpdate(from, destinationContext);
            return await new ImageRewriter(store, store, options, sourceContext.Log).RewriteAsync(from, to, cancellationToken).ConfigureAwait(false);
        }

        using var source = ImageStores.OpenForRead(from, sourceContext);
        using var target = ImageStores.OpenForWrite(to, destinationContext);
        return await new ImageRewriter(source, target, options, sourceContext.Log).RewriteAsync(from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Where the edit goes: <paramref name="destination"/> (with <paramref name="tag"/>, or its own tag, or the
    /// source's), or else the source's repository under <paramref name="tag"/>, or under the source's own tag.
    /// </summary>
    public static Reference DestinationFor(Reference source, Reference? destination, string? tag)
    {
        var to = destination ?? source.WithoutIdentifier();
        var name = tag ?? (destination?.Tag) ?? source.Tag
            ?? throw new Errors.InvalidReferenceException(source.ToString(), "it has no tag to write the edited image under; give -Tag or a -Destination with a :TAG");
        return to.WithDigest(null).WithTag(name);
    }

    /// <summary>The time SOURCE_DATE_EPOCH gives (reproducible-builds.org), refused when it is not set to seconds.</summary>
    public static System.DateTimeOffset SourceDateEpoch(string? value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds <= Rewrite.TarTimes.MaxSeconds
            ? System.DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new Errors.InvalidTimestampException(value ?? "(not set)", "SOURCE_DATE_EPOCH must be whole seconds since 1970 (such as $env:SOURCE_DATE_EPOCH = git log -1 --format=%ct); or give -Timestamp");

    /// <summary>True when both references name one repository or layout: one store opened for update, not two over it.</summary>
    private static bool SameStore(Reference from, Reference to) =>
        from.WithoutIdentifier().ToString() == to.WithoutIdentifier().ToString();
}
