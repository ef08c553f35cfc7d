using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Archives;

/// <summary>
/// Image archives: export writes an OCI layout tar (oci-archive) or a docker-save tar (manifest.json, config,
/// uncompressed layers); import reads either (see <see cref="ArchiveReader"/>) into a temp layout that the copier then
/// moves to the destination.
/// Work happens in temp folders; the archive file appears only when complete.
/// </summary>
internal static class ImageArchives
{
    /// <summary>The RepoTag a docker archive gets when none is given: the registry reference, or image:TAG for a local one.</summary>
    public static string DefaultRepoTag(Reference reference) => reference.IsLocal
        ? "image:" + (Reference.TagOfLayoutName(reference.Tag) ?? "latest")
        : reference.WithoutIdentifier() + ":" + (reference.Tag ?? "latest");

    public static async Task<Digest> ExportAsync(IImageStore source, Reference reference, string path, ArchiveFormat format, Platform? platform, string? repoTag, IEngineLog log, CancellationToken cancellationToken)
    {
        using var work = WorkFolder.Beside(path);
        Digest digest;
        if (format == ArchiveFormat.Oci)
        {
            using var layout = OciLayoutStore.OpenOrCreate(work.Path);
            var copier = new ImageCopier(source, layout, new CopyOptions { Platforms = platform is null ? null : new[] { platform } }, log, null);
            var result = await copier.CopyAsync(reference, Reference.ForLayout(work.Path, reference.Tag ?? "latest"), cancellationToken).ConfigureAwait(false);
            digest = result.Digest;
        }
        else
        {
            digest = await WriteDockerFolderAsync(source, reference, work.Path, platform, repoTag, cancellationToken).ConfigureAwait(false);
        }

        // The layout's lock file is how this process kept other writers out, not part of the image.
        TarFolder.Pack(work.Path, path, name => name == OciLayoutStore.LockFileName);
        return digest;
    }

    /// <summary>
    /// Reads an archive and copies every image it holds (or those whose names match <paramref name="names"/>)
    /// to the destination, each under its own tag; refuses before writing anything when two would land on one
    /// tag. Work files go beside the destination (the system's temp folder for a registry), never beside the
    /// archive, which may be on read-only media.
    /// </summary>
    public static async Task<IReadOnlyList<CopyResult>> ImportAsync(string path, IImageStore target, Reference destination, NameFilter? names, CopyOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundOciException(path);
        }

        using var work = destination.IsLocal ? WorkFolder.Beside(destination.LayoutPath!) : WorkFolder.InTemp();
        var unpacked = work.Combine("archive");
        TarFolder.Unpack(path, unpacked);
        var (layoutPath, images) = await ArchiveReader.ReadAsync(unpacked, work.Path, path, cancellationToken).ConfigureAwait(false);
        var plan = ImportPlan.Make(path, images, names, destination);
        using var source = OciLayoutStore.Open(layoutPath);
        var results = new List<CopyResult>();
        var dockerSave = layoutPath != unpacked;
        foreach (var (image, to) in plan)
        {
            var copier = new ImageCopier(source, target, options, log, null);
            var result = await copier.CopyAsync(Reference.ForLayout(layoutPath, digest: image.Manifest.Digest), to, cancellationToken).ConfigureAwait(false);
            // The work folder is gone when the import returns: name the archive and the image in it instead.
            results.Add(result.WithSource(Reference.ForArchive(dockerSave, path, image.Names.FirstOrDefault(), image.Manifest.Digest)));
        }

        return results;
    }

    private static async Task<Digest> WriteDockerFolderAsync(IImageStore source, Reference reference, string work, Platform? platform, string? repoTag, CancellationToken cancellationToken)
    {
        var image = await ImageHandle.OpenAsync(source, reference, platform, cancellationToken).ConfigureAwait(false);
        var writer = new DockerSaveWriter(work);
        await writer.AddAsync(source, image.Manifest, repoTag is null ? Array.Empty<string>() : new[] { repoTag }, cancellationToken).ConfigureAwait(false);
        writer.Finish();
        return image.Manifest.Digest;
    }
}
