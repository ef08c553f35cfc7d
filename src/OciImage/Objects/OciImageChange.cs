using System.Linq;
using OciImage.Core.Images;

namespace OciImage;

/// <summary>
/// What a change of an image or of every image of an index wrote (Merge-OciLayer, Update-OciImageBase, and
/// Set-OciImageConfig or Add-OciLayer given an index): the result's Reference and Digest, and for each image
/// whether it changed or was left as it is and why.
/// </summary>
public sealed class OciImageChange
{
    public OciImageChange(ImageChange change)
    {
        Reference = change.Reference.ToString();
        Digest = change.Written.Digest.ToString();
        MediaType = change.Written.MediaType;
        Images = change.Children.Select(c => new OciImageChangeEntry(c)).ToArray();
        Changed = Images.Count(i => i.Changed);
        LeftAsIs = Images.Count(i => i.LeftAsIsReason is not null);
    }

    /// <summary>The result, pinned to its digest (it pipes into the next cmdlet).</summary>
    public string Reference { get; }

    public string Digest { get; }

    public string MediaType { get; }

    /// <summary>How many images were rewritten.</summary>
    public int Changed { get; }

    /// <summary>How many index entries were kept as they are (artifacts, attestations, platforms not asked for).</summary>
    public int LeftAsIs { get; }

    public OciImageChangeEntry[] Images { get; }

    public override string ToString() => Reference;
}

/// <summary>One image of a change: its platform, its digest before and after, or why it was left as it is.</summary>
public sealed class OciImageChangeEntry
{
    public OciImageChangeEntry(ChildChange change)
    {
        Platform = change.Platform?.ToString();
        Before = change.Before.ToString();
        After = change.After?.ToString();
        Changed = change.Changed;
        LeftAsIsReason = change.LeftAsIs;
        Detail = change.Detail;
    }

    public string? Platform { get; }

    public string Before { get; }

    public string? After { get; }

    public bool Changed { get; }

    public string? LeftAsIsReason { get; }

    public string? Detail { get; }

    public override string ToString() => LeftAsIsReason is null ? $"{Platform} {Before} -> {After}" : $"{Platform} {Before} left as it is: {LeftAsIsReason}";
}
