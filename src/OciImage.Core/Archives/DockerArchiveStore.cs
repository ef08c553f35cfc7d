using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Archives;

/// <summary>
/// <c>docker-archive:PATH[:NAME:TAG]</c>, skopeo's transport: what docker save writes and docker load reads.
/// Images are named by their RepoTags. The format keeps no manifest, so an image copied into it is stored as
/// its config and uncompressed layers, and its digest read back differs (a warning says so); it holds single
/// images, not indexes. Copying into an existing archive adds to what it holds.
/// </summary>
internal class DockerArchiveStore : ArchiveStore
{
    private readonly List<ArchivedImage> _images = new();
    private bool _warned;

    private DockerArchiveStore(string archive, bool writing, IEngineLog log)
        : base(archive, Reference.ForArchive(dockerSave: true, archive, null, null), writing, log)
    {
    }

    /// <summary>The format over another medium (a daemon's API streams it); <paramref name="location"/> names it in messages.</summary>
    protected DockerArchiveStore(ArchiveMedium medium, Reference location, bool writing, IEngineLog log)
        : base(medium, location, writing, log)
    {
    }

    public static DockerArchiveStore OpenForRead(string archive, IEngineLog log) => new(archive, writing: false, log);

    public static DockerArchiveStore OpenForWrite(string archive, IEngineLog log) => new(archive, writing: true, log);

    protected override Task<Descriptor> ResolveInAsync(OciLayoutStore layout, Reference reference, CancellationToken cancellationToken)
    {
        if (reference.Digest is { } digest)
        {
            return layout.ResolveAsync(Reference.ForLayout(layout.Root, digest: digest), cancellationToken);
        }

        var shown = reference.ToString();
        if (reference.Tag is { } name)
        {
            var named = _images.FirstOrDefault(i => i.Names.Any(n => SameName(n, name)))
                ?? throw new ManifestUnknownException(shown, $"the archive has no image named '{name}' (it holds {Describe()})") { Target = reference };
            return Task.FromResult(named.Manifest);
        }

        return _images.Count switch
        {
            1 => Task.FromResult(_images[0].Manifest),
            0 => throw new ManifestUnknownException(shown, "the archive holds no images") { Target = reference },
            _ => throw new AmbiguousReferenceException(shown, $"the archive holds {_images.Count} images; add :NAME:TAG to choose one ({Describe()})") { Target = reference },
        };
    }

    protected override Task<IReadOnlyList<string>> NamesAsync(OciLayoutStore layout, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_images.SelectMany(i => i.Names).Distinct().ToList());

    protected override async Task<OciLayoutStore> ReadArchiveAsync(WorkFolder work, CancellationToken cancellationToken)
    {
        var unpacked = work.Combine("archive");
        using (var archive = await Medium.OpenReadAsync(cancellationToken).ConfigureAwait(false))
        {
            TarFolder.Unpack(archive, unpacked, Archive, Medium.UnpackBudget(work.Path));
        }

        var (layoutPath, images) = await ArchiveReader.ReadAsync(unpacked, work.Path, Archive, cancellationToken).ConfigureAwait(false);
        _images.AddRange(images);
        return OciLayoutStore.Open(layoutPath);
    }

    protected override async Task PutImageAsync(OciLayoutStore layout, Manifest manifest, string? name, CancellationToken cancellationToken)
    {
        if (manifest is not ImageManifest)
        {
            throw new OperationNotSupportedException($"Copying an index into {Location}", "a docker archive holds single images: choose one with -Platform os/arch -Single");
        }

        await layout.PutChildManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        var repoTag = RepoTagOf(name);
        if (!_warned)
        {
            Log.Warning($"{Location} stores images in docker save's format, which keeps no manifest: the image's digest read back from it will differ from {manifest.Digest}.");
            _warned = true;
        }

        if (repoTag is null)
        {
            Log.Warning($"The image copied into {Location} has no name: docker load will leave it untagged. Name it as docker-archive:PATH:NAME:TAG.");
        }

        // One name names one image: a new image under a name takes it from an older one.
        var others = _images.Select(i => new ArchivedImage(i.Manifest, i.Names.Where(n => repoTag is null || !SameName(n, repoTag)).ToList())).ToList();
        _images.Clear();
        _images.AddRange(others.Where(i => i.Manifest.Digest != manifest.Digest));
        var existing = others.FirstOrDefault(i => i.Manifest.Digest == manifest.Digest);
        var names = (existing?.Names ?? Array.Empty<string>()).Concat(repoTag is null ? Array.Empty<string>() : new[] { repoTag }).Distinct().ToList();
        _images.Add(new ArchivedImage(manifest.ToDescriptor(), names));
    }

    protected override async Task WriteArchiveAsync(OciLayoutStore layout, WorkFolder work, CancellationToken cancellationToken)
    {
        var folder = work.Combine("save-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        var writer = new DockerSaveWriter(folder);
        foreach (var image in _images)
        {
            var manifest = (ImageManifest)await layout.GetManifestAsync(image.Manifest, cancellationToken).ConfigureAwait(false);
            await writer.AddAsync(layout, manifest, image.Names, cancellationToken).ConfigureAwait(false);
        }

        writer.Finish();
        await Medium.WriteAsync(output => TarFolder.Pack(folder, output), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A RepoTag as docker writes it (example/app:1.0, app:latest for Docker Hub names), or null for a name that is no reference with a tag.</summary>
    protected static string? RepoTagOf(string? name)
    {
        if (name is null || !Reference.TryParse(name, out var parsed) || parsed!.IsLocal || parsed.Tag is null || !name.Contains("/") && !name.Contains(":"))
        {
            return null;
        }

        var repository = parsed.Registry == Reference.DockerHub
            ? (parsed.Repository!.StartsWith("library/", StringComparison.Ordinal) ? parsed.Repository.Substring("library/".Length) : parsed.Repository)
            : parsed.Registry + "/" + parsed.Repository;
        return repository + ":" + parsed.Tag;
    }

    /// <summary>Two names of one image: the same text, or the same reference once Docker Hub's short forms are expanded.</summary>
    private static bool SameName(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal)
        || (Reference.TryParse(a, out var x) && Reference.TryParse(b, out var y) && !x!.IsLocal && x.Equals(y));

    private string Describe() => _images.Count == 0 ? "no images" : string.Join("; ", _images.Select(i => i.ToString()));
}
