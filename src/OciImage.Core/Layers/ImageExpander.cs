using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Layers;

/// <summary>
/// Expands an image's layers into a directory (like umoci unpack's rootfs and crane export). The work happens
/// in a temp directory beside the destination, renamed into place only when every layer applied and verified,
/// so a failure leaves no half-expanded tree.
/// </summary>
public static class ImageExpander
{
    public const long DefaultMaxSize = 64L * 1024 * 1024 * 1024;

    /// <param name="sameOwner">Give files the owners the layers say when the process runs as root (tar's --same-owner default); false keeps the caller's.</param>
    public static async Task<int> ExpandAsync(IImageStore store, ImageManifest manifest, string destination, long maxSize, IEngineLog log, CancellationToken cancellationToken, bool sameOwner = true)
    {
        var target = Path.GetFullPath(destination);
        if (File.Exists(target))
        {
            throw new NotADirectoryException(destination);
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).GetEnumerator().MoveNext())
        {
            throw new DestinationNotEmptyException(destination);
        }

        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var work = Path.Combine(parent, "." + Path.GetFileName(target) + ".expand-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(work);
        try
        {
            var extractor = new LayerExtractor(work, maxSize, log, applyOwners: sameOwner && UnixOwner.IsRoot);
            var index = 0;
            foreach (var layer in manifest.Layers)
            {
                log.Verbose($"Applying layer {index} ({layer.Digest}, {layer.Size} bytes).");
                var blob = await store.OpenBlobAsync(layer, cancellationToken).ConfigureAwait(false);
                using (var reader = new LayerReader(blob, $"layer {layer.Digest}"))
                {
                    extractor.Apply(reader, cancellationToken);

                    // Read to the end so the digest of the whole blob is checked, padding included.
                    var rest = new byte[81920];
                    while (await blob.ReadAsync(rest, 0, rest.Length, cancellationToken).ConfigureAwait(false) > 0)
                    {
                    }
                }

                index++;
            }

            extractor.Finish();
            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            Directory.Move(work, target);
            return index;
        }
        catch
        {
            TryDeleteTree(work);
            throw;
        }
    }

    private static void TryDeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
