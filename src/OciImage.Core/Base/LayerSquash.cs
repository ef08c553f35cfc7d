using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Base;

/// <summary>
/// Writes a run of an image's layers as one layer: the scanner lists each layer's headers once, the
/// <see cref="SquashPlan"/> picks the entries that survive, and a second read copies exactly those, lowest layer
/// first and in tar order (so a hard link's target comes before it), through the layer builder's tar writer and
/// compressor. Markers the plan keeps go first. Each blob is read to its end on both passes, so a store that
/// serves other bytes the second time fails its digest check and nothing is written.
/// </summary>
internal static class LayerSquash
{
    private static readonly DateTime MarkerTime = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public sealed class Result
    {
        public NewLayer Layer { get; init; } = null!;

        public string TempFile { get; init; } = null!;

        public int Entries { get; init; }

        public int DroppedEntries { get; init; }
    }

    /// <param name="first">The index in the image of the first layer to squash (for messages).</param>
    public static async Task<Result> SquashAsync(IImageStore store, IReadOnlyList<Descriptor> layers, int first, bool overBase, string createdBy, CancellationToken cancellationToken)
    {
        var scanned = new List<ScannedLayer>();
        var pathMemory = PathMemoryAllowance.ForThisProcess();
        for (var n = 0; n < layers.Count; n++)
        {
            scanned.Add(await LayerScanner.ScanAsync(store, first + n, layers[n], hashContent: false, cancellationToken, pathMemory).ConfigureAwait(false));
        }

        var plan = SquashPlan.Make(scanned, overBase);
        var folder = (store as ILocalBlobs)?.StagingFolder ?? Path.GetTempPath();
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, ".squash.tmp-" + Guid.NewGuid().ToString("N"));
        try
        {
            var entries = 0;
            Descriptor blob;
            Digest diffId;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var compressor = new ParallelCompressingStream(file, LayerCompression.Gzip, default, GzipEncoder.Portable, cancellation: cancellationToken);
                using (var tar = new TarLayerWriter(compressor))
                {
                    foreach (var path in plan.Whiteouts)
                    {
                        var parent = LayerScanner.Parent(path);
                        tar.AddWhiteout((parent.Length == 0 ? string.Empty : parent + "/") + LayerPlanner.WhiteoutPrefix + path.Substring(parent.Length == 0 ? 0 : parent.Length + 1), MarkerTime);
                    }

                    foreach (var directory in plan.OpaqueDirectories)
                    {
                        tar.AddWhiteout(directory + "/" + LayerPlanner.OpaqueMarker, MarkerTime);
                    }

                    for (var n = 0; n < layers.Count; n++)
                    {
                        entries += await CopyKeptAsync(store, layers[n], first + n, plan.Kept[n], tar, cancellationToken).ConfigureAwait(false);
                    }

                    tar.Finish();
                }

                compressor.Complete();
                file.Flush(flushToDisk: true);
                blob = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = compressor.Digest, Size = compressor.BlobSize };
                diffId = compressor.DiffId;
            }

            return new Result { Layer = new NewLayer(blob, diffId, createdBy, temp), TempFile = temp, Entries = entries, DroppedEntries = plan.DroppedEntries };
        }
        catch
        {
            IO.AtomicFile.TryDelete(temp);
            throw;
        }
    }

    private static async Task<int> CopyKeptAsync(IImageStore store, Descriptor layer, int index, HashSet<int> kept, TarLayerWriter tar, CancellationToken cancellationToken)
    {
        var what = $"layer {index} ({layer.Digest})";
        using var blob = await store.OpenBlobAsync(layer, cancellationToken).ConfigureAwait(false);
        var copied = 0;
        using (var reader = new LayerReader(blob, what, cancellationToken))
        {
            var ordinal = -1;
            foreach (var item in reader.Items(cancellationToken))
            {
                ordinal++;
                if (!kept.Contains(ordinal))
                {
                    continue;
                }

                try
                {
                    Write(tar, item, reader, what);
                }
                catch (TarLayerWriter.HeaderTooLargeException ex)
                {
                    throw new InvalidLayerException(what, ex.Message, ex);
                }

                copied++;
            }

            var rest = new byte[81920];
            while (blob.Read(rest, 0, rest.Length) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return copied;
    }

    private static void Write(TarLayerWriter tar, LayerItem item, LayerReader reader, string what)
    {
        var path = LayerScanner.Clean(item.Path);
        var uid = Id(item.UserId, what, path);
        var gid = Id(item.GroupId, what, path);
        var xattrs = Xattrs(item, what, path);
        switch (item.Type)
        {
            case EntryKind.File:
                tar.AddFile(path, item.Mode, item.Modified, uid, gid, item.Size, reader.Content, xattrs);
                break;
            case EntryKind.Directory:
                tar.AddDirectory(path, item.Mode, item.Modified, uid, gid, xattrs);
                break;
            case EntryKind.Symlink:
                tar.AddSymlink(path, item.LinkTarget ?? string.Empty, item.Modified, uid, gid, xattrs);
                break;
            case EntryKind.HardLink:
                tar.AddHardLink(path, LayerScanner.Clean(item.LinkTarget ?? string.Empty), item.Mode, item.Modified, uid, gid, xattrs);
                break;
            case EntryKind.CharacterDevice:
                tar.AddSpecial(path, TreeEntryType.CharacterDevice, Device(item.DeviceMajor, what, path), Device(item.DeviceMinor, what, path), item.Mode, item.Modified, uid, gid, xattrs);
                break;
            case EntryKind.BlockDevice:
                tar.AddSpecial(path, TreeEntryType.BlockDevice, Device(item.DeviceMajor, what, path), Device(item.DeviceMinor, what, path), item.Mode, item.Modified, uid, gid, xattrs);
                break;
            case EntryKind.Fifo:
                tar.AddSpecial(path, TreeEntryType.Fifo, 0, 0, item.Mode, item.Modified, uid, gid, xattrs);
                break;
            default:
                throw new InvalidLayerException(what, $"the entry '{path}' is of a kind a squashed layer cannot carry");
        }
    }

    /// <summary>The entry's extended attributes (file capabilities, SELinux labels, ACLs), carried over as they were read.</summary>
    private static IReadOnlyDictionary<string, byte[]> Xattrs(LayerItem item, string what, string path)
    {
        foreach (var name in item.Xattrs.Keys)
        {
            if (!TarLayerWriter.CanCarryXattrName(name))
            {
                throw new InvalidLayerException(what, $"the entry '{path}' has an extended attribute whose name a squashed layer cannot carry");
            }
        }

        return item.Xattrs;
    }

    /// <summary>The ustar header's 7 octal digits hold a device number; Linux's (12-bit major, 20-bit minor) fit.</summary>
    private static int Device(long number, string what, string path) =>
        number is >= 0 and <= MaxDeviceNumber ? (int)number : throw new InvalidLayerException(what, $"the device '{path}' has number {number}, beyond what a squashed layer can carry");

    private const long MaxDeviceNumber = 0x1FFFFF;

    private static int Id(long id, string what, string path) =>
        id is >= 0 and <= int.MaxValue ? (int)id : throw new InvalidLayerException(what, $"the entry '{path}' has owner {id}, beyond what a squashed layer can carry");
}
