using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// Expands an image's layers into a directory (like umoci unpack's rootfs and crane export). The work happens
/// in a temp directory beside the destination, renamed into place only when every layer applied and verified,
/// so a failure leaves no half-expanded tree. That directory, .NAME.expand-PID-RANDOM, is claimed with a lock
/// (<see cref="ClaimedFolder"/>): one left by a killed process is removed by the next expansion beside it.
/// </summary>
internal static class ImageExpander
{
    /// <summary>By default an image may expand to this many times the compressed size of its layers...</summary>
    public const long DefaultRatio = 100;

    /// <summary>...and to at least this much (1 GiB), whatever its compressed size.</summary>
    public const long DefaultFloor = 1L << 30;

    /// <summary>
    /// The default limit: <see cref="DefaultRatio"/> times the layers' compressed size, at least <see cref="DefaultFloor"/>.
    /// Real layers expand 2 to 10 times (text-heavy ones), so legitimate images stay well inside; a decompression
    /// bomb (gzip reaches 1000:1, zstd far more) stops after at most 100 times what was downloaded, or 1 GiB.
    /// </summary>
    public static long DefaultMaxSize(ImageManifest manifest)
    {
        long compressed = 0;
        foreach (var layer in manifest.Layers)
        {
            var size = Math.Max(0, layer.Size);
            compressed = compressed > long.MaxValue - size ? long.MaxValue : compressed + size;
        }

        var limit = compressed > long.MaxValue / DefaultRatio ? long.MaxValue : compressed * DefaultRatio;
        return Math.Max(DefaultFloor, limit);
    }

    /// <summary>Expands with <see cref="DefaultMaxSize(ImageManifest)"/> when <paramref name="maxSize"/> is null.</summary>
    /// <param name="sameOwner">Give files the owners the layers say when the process runs as root (tar's --same-owner default); false keeps the caller's.</param>
    public static async Task<int> ExpandAsync(IImageStore store, ImageManifest manifest, string destination, long? maxSize, IEngineLog log, CancellationToken cancellationToken, bool sameOwner = true)
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
        ClaimedFolder.SweepAbandoned(parent, IsExpandStem);
        using var claimed = ClaimedFolder.Create(parent, "." + Path.GetFileName(target) + ExpandSuffix);
        var work = claimed.Path;
        var limit = maxSize ?? DefaultMaxSize(manifest);
        var extractor = new LayerExtractor(work, limit, log, applyOwners: sameOwner && UnixOwner.IsRoot);
        ZstdDecoders.Log(log, manifest.Layers);
        var index = 0;
        foreach (var layer in manifest.Layers)
        {
            log.Verbose($"Applying layer {index} ({layer.Digest}, {layer.Size} bytes).");
            var blob = await store.OpenBlobAsync(layer, cancellationToken).ConfigureAwait(false);
            using (var reader = new LayerReader(blob, $"layer {layer.Digest}", cancellationToken))
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

        // The claim's dispose then finds no folder and only releases its lock; on a failure it deletes the tree.
        Directory.Move(work, target);
        return index;
    }

    /// <summary>The stem of an expansion's work folder: ".NAME" then this.</summary>
    public const string ExpandSuffix = ".expand";

    /// <summary>Work folders of any expansion into this parent (".NAME.expand"), whichever NAME it was for.</summary>
    private static bool IsExpandStem(string stem) =>
        stem.Length > 1 + ExpandSuffix.Length && stem[0] == '.' && stem.EndsWith(ExpandSuffix, StringComparison.Ordinal);
}
