using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Archives;

/// <summary>
/// An archive file as a store: its content lives in a layout in a work folder (unpacked from the file when
/// reading, gathered there when writing), every read and write goes through that layout with its verification,
/// and <see cref="CommitAsync"/> writes the file, atomically, once the copy is complete. Archives are written
/// whole, so they cannot be tagged, untagged or pruned in place.
/// </summary>
internal abstract class ArchiveStore : IImageStore, IReferrerStore, ITagIndex
{
    private readonly WorkFolder _work;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private OciLayoutStore? _layout;
    private bool _changed;

    protected ArchiveStore(string archive, Reference location, bool writing, IEngineLog log)
        : this(new ArchiveFile(archive), location, writing, log)
    {
        if (!writing && !File.Exists(Archive))
        {
            throw new FileNotFoundOciException(archive);
        }
    }

    protected ArchiveStore(ArchiveMedium medium, Reference location, bool writing, IEngineLog log)
    {
        Medium = medium;
        Location = location;
        Writing = writing;
        Log = log;

        // Reading may be from read-only media: work in the temp folder; writing works beside the file it makes.
        _work = medium.NewWorkFolder(writing);
    }

    public Reference Location { get; }

    /// <summary>Where the archive is read from and written to.</summary>
    protected ArchiveMedium Medium { get; }

    /// <summary>The archive as messages name it: a full path for a file.</summary>
    protected string Archive => Medium.Name;

    protected bool Writing { get; }

    protected IEngineLog Log { get; }

    public bool RefusesIncompleteManifests => false;

    public async Task<Descriptor> ResolveAsync(Reference reference, CancellationToken cancellationToken)
    {
        var layout = await LayoutAsync(cancellationToken).ConfigureAwait(false);
        return await ResolveInAsync(layout, reference, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Manifest> GetManifestAsync(Reference reference, CancellationToken cancellationToken)
    {
        var layout = await LayoutAsync(cancellationToken).ConfigureAwait(false);
        return await layout.GetManifestAsync(await ResolveInAsync(layout, reference, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        await (await LayoutAsync(cancellationToken).ConfigureAwait(false)).GetManifestAsync(descriptor, cancellationToken).ConfigureAwait(false);

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        await (await LayoutAsync(cancellationToken).ConfigureAwait(false)).OpenBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);

    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        await (await LayoutAsync(cancellationToken).ConfigureAwait(false)).HasBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);

    public async Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken) =>
        await (await LayoutAsync(cancellationToken).ConfigureAwait(false)).StatBlobAsync(digest, cancellationToken).ConfigureAwait(false);

    public async Task<Stream> OpenBlobRangeAsync(Descriptor descriptor, long offset, CancellationToken cancellationToken) =>
        await (await LayoutAsync(cancellationToken).ConfigureAwait(false)).OpenBlobRangeAsync(descriptor, offset, cancellationToken).ConfigureAwait(false);

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, IProgress<long>? bytesWritten, CancellationToken cancellationToken)
    {
        var layout = await WritableLayoutAsync(cancellationToken).ConfigureAwait(false);
        await layout.PutBlobAsync(descriptor, content, bytesWritten, cancellationToken).ConfigureAwait(false);
        _changed = true;
    }

    public async Task PutManifestAsync(Manifest manifest, string? tag, CancellationToken cancellationToken)
    {
        var layout = await WritableLayoutAsync(cancellationToken).ConfigureAwait(false);
        await PutImageAsync(layout, manifest, tag, cancellationToken).ConfigureAwait(false);
        _changed = true;
    }

    public async Task PutChildManifestAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        var layout = await WritableLayoutAsync(cancellationToken).ConfigureAwait(false);
        await layout.PutChildManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        _changed = true;
    }

    public Task TagAsync(Manifest manifest, string tag, CancellationToken cancellationToken) =>
        throw new OperationNotSupportedException($"Tagging in {Location}", "an archive is written whole; copy the image into a new archive under the new name");

    public Task DeleteTagAsync(string tag, CancellationToken cancellationToken) =>
        throw new OperationNotSupportedException($"Removing a tag from {Location}", "an archive is written whole; copy the images to keep into a new archive");

    public Task DeleteManifestAsync(Digest digest, CancellationToken cancellationToken) =>
        throw new OperationNotSupportedException($"Deleting a manifest from {Location}", "an archive is written whole; copy the images to keep into a new archive");

    public async IAsyncEnumerable<string> ListTagsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var layout = await LayoutAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in await NamesAsync(layout, cancellationToken).ConfigureAwait(false))
        {
            yield return name;
        }
    }

    /// <summary>Each name with the image it names (the archive is opened, which reading it needs anyway).</summary>
    public async Task<IReadOnlyList<TaggedManifest>> TaggedManifestsAsync(CancellationToken cancellationToken)
    {
        var layout = await LayoutAsync(cancellationToken).ConfigureAwait(false);
        var tagged = new List<TaggedManifest>();
        foreach (var name in await NamesAsync(layout, cancellationToken).ConfigureAwait(false))
        {
            tagged.Add(new TaggedManifest(name, await ResolveInAsync(layout, Location.WithTag(name), cancellationToken).ConfigureAwait(false)));
        }

        return tagged;
    }

    public async Task<IReadOnlyList<Descriptor>> ListReferrersAsync(Digest subject, CancellationToken cancellationToken) =>
        await (await LayoutAsync(cancellationToken).ConfigureAwait(false)).ListReferrersAsync(subject, cancellationToken).ConfigureAwait(false);

    public async Task RecordReferrerAsync(Manifest referrer, CancellationToken cancellationToken) =>
        await (await WritableLayoutAsync(cancellationToken).ConfigureAwait(false)).RecordReferrerAsync(referrer, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes the archive file from the work layout, when something was written; the file appears whole or not at all.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (!Writing || !_changed)
        {
            return;
        }

        var layout = await LayoutAsync(cancellationToken).ConfigureAwait(false);
        await WriteArchiveAsync(layout, _work, cancellationToken).ConfigureAwait(false);
        _changed = false;
    }

    public void Dispose()
    {
        _work.Dispose();
        _opening.Dispose();
    }

    /// <summary>The layout the archive's content lives in; opened once, from the file when there is one.</summary>
    protected async Task<OciLayoutStore> LayoutAsync(CancellationToken cancellationToken)
    {
        if (_layout is { } ready)
        {
            return ready;
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _layout ??= Medium.HasContent
                ? await ReadArchiveAsync(_work, cancellationToken).ConfigureAwait(false)
                : OciLayoutStore.OpenOrCreate(_work.Combine("layout"));
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>Finds the manifest a reference to this archive names, in the work layout.</summary>
    protected abstract Task<Descriptor> ResolveInAsync(OciLayoutStore layout, Reference reference, CancellationToken cancellationToken);

    /// <summary>The names of the archive's images.</summary>
    protected abstract Task<IReadOnlyList<string>> NamesAsync(OciLayoutStore layout, CancellationToken cancellationToken);

    /// <summary>Unpacks the archive file into a layout in the work folder.</summary>
    protected abstract Task<OciLayoutStore> ReadArchiveAsync(WorkFolder work, CancellationToken cancellationToken);

    /// <summary>Puts a top-level manifest (with the name it is copied under) into the work layout.</summary>
    protected abstract Task PutImageAsync(OciLayoutStore layout, Manifest manifest, string? name, CancellationToken cancellationToken);

    /// <summary>Packs the work layout into the archive file.</summary>
    protected abstract Task WriteArchiveAsync(OciLayoutStore layout, WorkFolder work, CancellationToken cancellationToken);

    private async Task<OciLayoutStore> WritableLayoutAsync(CancellationToken cancellationToken)
    {
        if (!Writing)
        {
            throw new OperationNotSupportedException($"Writing to {Location}", "it was opened for reading");
        }

        return await LayoutAsync(cancellationToken).ConfigureAwait(false);
    }
}
