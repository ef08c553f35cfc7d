using System;
using System.IO;
using System.Threading;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Layers;

/// <summary>
/// Builds a layer from a directory in one pass: the tree is written as a tar into the parallel compressor,
/// which hashes the tar (DiffID) and the blob (digest) on the way into a temp file; the temp file is then
/// handed to a store (a layout renames it into its blobs) or renamed to its digest name in an output directory.
/// Nothing is held whole in memory.
/// </summary>
internal static class LayerBuilder
{
    /// <summary>
    /// Builds into a store: staged in its folder and renamed in when its blobs are local files (a layout), else
    /// staged in the temp folder and put through the store contract (verified there like any blob).
    /// </summary>
    public static LayerBuildResult BuildIntoStore(string source, LayerBuildOptions options, IImageStore store, CancellationToken cancellationToken, IProgress<LayerBuildProgress>? progress = null)
    {
        var local = store as ILocalBlobs;
        return Build(source, options, local?.StagingFolder ?? Path.GetTempPath(), progress, cancellationToken, (blob, file) =>
        {
            if (local is not null)
            {
                return local.AdoptBlobFile(blob, file);
            }

            using (var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            {
                store.PutBlobAsync(blob, content, null, cancellationToken).GetAwaiter().GetResult();
            }

            File.Delete(file);
            return null;
        });
    }

    /// <summary>Builds into a directory, as sha256-HEX.tar[.gz|.zst].</summary>
    public static LayerBuildResult BuildIntoDirectory(string source, LayerBuildOptions options, string directory, CancellationToken cancellationToken, IProgress<LayerBuildProgress>? progress = null)
    {
        var extension = options.Compression switch
        {
            LayerCompression.Gzip => ".tar.gz",
            LayerCompression.Zstd => ".tar.zst",
            _ => ".tar",
        };
        return Build(source, options, directory, progress, cancellationToken, (blob, file) =>
        {
            var target = Path.Combine(directory, blob.Digest.Algorithm + "-" + blob.Digest.Hex + extension);
            if (File.Exists(target) && new FileInfo(target).Length == blob.Size)
            {
                File.Delete(file); // the same layer is already there: content-addressed, so identical
            }
            else
            {
                AtomicFile.MoveOver(file, target);
            }

            return target;
        });
    }

    /// <summary>Writes the layer to a temp file in <paramref name="tempDirectory"/>, then hands it on (the hand-over gives its final path, if it has one).</summary>
    private static LayerBuildResult Build(string source, LayerBuildOptions options, string tempDirectory, IProgress<LayerBuildProgress>? progress, CancellationToken cancellationToken, Func<Descriptor, string, string?> handOver)
    {
        if (File.Exists(source))
        {
            throw new NotADirectoryException(source);
        }

        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundOciException(source);
        }

        if (options.BaseDirectory is { } baseDirectory && !Directory.Exists(baseDirectory))
        {
            throw new DirectoryNotFoundOciException(baseDirectory);
        }

        CheckLevel(options);
        var plan = LayerPlanner.Plan(source, options);
        Directory.CreateDirectory(tempDirectory);
        var temp = Path.Combine(tempDirectory, ".layer.tmp-" + Guid.NewGuid().ToString("N"));
        try
        {
            Descriptor blob;
            int files;
            long tarSize;
            Digest diffId;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var compressor = new ParallelCompressingStream(file, options.Compression, options.CompressionLevel, options.GzipEncoder, options.Parallelism, cancellationToken);
                files = WriteTar(plan, options, compressor, progress, cancellationToken);
                compressor.Complete();
                file.Flush(flushToDisk: true);
                blob = new Descriptor { MediaType = Compressions.MediaType(options.Compression), Digest = compressor.Digest, Size = compressor.BlobSize };
                diffId = compressor.DiffId;
                tarSize = compressor.TarSize;
            }

            var blobPath = handOver(blob, temp);
            return new LayerBuildResult(blob.Digest, diffId, blob.Size, blob.MediaType, blobPath, files, tarSize);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    /// <summary>Refuses, before any work, a level that the compression or the encoder does not offer.</summary>
    private static void CheckLevel(LayerBuildOptions options)
    {
        if (options.Compression == LayerCompression.Gzip && options.GzipEncoder == GzipEncoder.Runtime)
        {
            _ = options.CompressionLevel.RuntimeDeflateLevel;
        }
        else if (options.Compression == LayerCompression.None && !options.CompressionLevel.Equals(LayerCompressionLevel.Optimal))
        {
            throw new UnknownCompressionLevelException(options.CompressionLevel.ToString(), "an uncompressed layer has no compression level.");
        }
    }

    private static int WriteTar(LayerPlan plan, LayerBuildOptions options, Stream output, IProgress<LayerBuildProgress>? progress, CancellationToken cancellationToken)
    {
        var files = 0;
        long bytes = 0;
        var totalFiles = 0;
        long totalBytes = 0;
        foreach (var entry in plan.Entries)
        {
            if (entry.Kind == PlannedKind.File)
            {
                totalFiles++;
                totalBytes += entry.Source!.Size;
            }
        }

        var time = DateTime.SpecifyKind(options.Timestamp.ToUniversalTime(), DateTimeKind.Utc);
        using var tar = new TarLayerWriter(output);
        foreach (var entry in plan.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (entry.Kind)
            {
                case PlannedKind.Directory:
                    tar.AddDirectory(entry.Path, entry.Mode, time, options.Owner, options.Group);
                    break;
                case PlannedKind.Symlink:
                    tar.AddSymlink(entry.Path, entry.Source!.LinkTarget!, time, options.Owner, options.Group);
                    break;
                case PlannedKind.Whiteout:
                    tar.AddWhiteout(entry.Path, time);
                    break;
                case PlannedKind.HardLink:
                    tar.AddHardLink(entry.Path, entry.LinkTarget!, entry.Mode, time, options.Owner, options.Group);
                    break;
                case PlannedKind.Special:
                    tar.AddSpecial(entry.Path, entry.Source!.Type, entry.Source.DeviceMajor, entry.Source.DeviceMinor, entry.Mode, time, options.Owner, options.Group);
                    break;
                case PlannedKind.File when entry.Source!.Size == 0:
                    // Never opened: there is nothing to read, and where lstat is not available a device or FIFO
                    // looks like an empty file too (reading /dev/zero would never end).
                    tar.AddFile(entry.Path, entry.Mode, time, options.Owner, options.Group, 0, Stream.Null);
                    files++;
                    break;
                default:
                    using (var content = new FileStream(entry.Source!.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                    {
                        tar.AddFile(entry.Path, entry.Mode, time, options.Owner, options.Group, content.Length, content);
                        bytes += content.Length;
                    }

                    files++;
                    progress?.Report(new LayerBuildProgress(files, totalFiles, bytes, totalBytes));
                    break;
            }
        }

        tar.Finish();
        return files;
    }
}
