using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Analysis;

/// <summary>
/// Reads one layer blob once, as tar entries: file contents are skipped as the tar is decompressed (never
/// buffered), or hashed when asked. The blob is read to its end so its digest is checked: a corrupt layer is an
/// error, never a partial list.
/// </summary>
internal static class LayerScanner
{
    /// <param name="allowance">The memory the operation's paths may take, shared by its layers; a new one for this process when null.</param>
    public static async Task<ScannedLayer> ScanAsync(IImageStore store, int index, Descriptor layer, bool hashContent, CancellationToken cancellationToken, PathMemoryAllowance? allowance = null)
    {
        var what = $"layer {index} ({layer.Digest})";
        var blob = await store.OpenBlobAsync(layer, cancellationToken).ConfigureAwait(false);
        return Scan(blob, index, layer, hashContent, what, cancellationToken, allowance);
    }

    /// <summary>Scans a blob stream; it is disposed.</summary>
    public static ScannedLayer Scan(Stream blob, int index, Descriptor layer, bool hashContent, string what, CancellationToken cancellationToken, PathMemoryAllowance? allowance = null)
    {
        allowance ??= PathMemoryAllowance.ForThisProcess();
        // The blob is read and its digest computed on a thread of its own, a bounded pipe ahead of decompression.
        blob = new ReadAheadStream(blob, cancellationToken);
        using var owned = blob;
        var entries = new List<LayerEntry>();
        var directories = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = new LayerReader(blob, what, cancellationToken))
        {
            var buffer = hashContent ? new byte[81920] : null;
            var budget = new DecompressionBudget(layer.Size, what);
            foreach (var item in reader.Items(cancellationToken))
            {
                string? contentDigest = null;
                if (buffer is not null && item.Kind == EntryKind.File)
                {
                    // Hashing reads every byte: bounded, so a decompression bomb stops (listing only skips).
                    budget.Count(item.Size);
                    contentDigest = Hash(reader.Content, buffer, what, item.Path);
                }

                // Every entry kept is charged before it is added: a layer of millions of empty entries stops here.
                var entry = ToEntry(item, contentDigest);
                allowance.Charge(entry, what);
                allowance.ChargeUnlistedParents(entry, directories, what);
                entries.Add(entry);
            }

            try
            {
                // Read to the end so the digest of the whole blob is checked, padding included.
                Drain.ToEnd(blob, cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (ex is not OciException && ex is not OperationCanceledException && LayerReader.IsCorruption(ex))
            {
                throw new InvalidLayerException(what, "it could not be read to its end (" + ex.Message + ")", ex);
            }
        }

        return new ScannedLayer(index, layer, entries);
    }

    private static string Hash(Stream content, byte[] buffer, string what, string path)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int n;
        while ((n = content.Read(buffer, 0, buffer.Length)) > 0)
        {
            sha.AppendData(buffer, 0, n);
        }

        return Digest.FromHash(Digest.Sha256, sha.GetHashAndReset()).ToString();
    }

    private static LayerEntry ToEntry(LayerItem item, string? contentDigest)
    {
        var entryName = Clean(item.Path);
        var kind = item.Kind;
        var path = entryName;
        if (kind == EntryKind.OpaqueDirectory)
        {
            path = Parent(entryName);
        }
        else if (kind == EntryKind.Whiteout)
        {
            var parent = Parent(entryName);
            var name = item.Name.Substring(LayerPlanner.WhiteoutPrefix.Length);
            path = parent.Length == 0 ? name : parent + "/" + name;
        }

        return new LayerEntry(path, entryName, kind, item.Size, item.Mode, item.UserId, item.GroupId, item.LinkTarget, item.Modified, contentDigest);
    }

    /// <summary>A path as Go's path.Clean leaves it, without the leading '/': no empty or '.' parts, '..' folded.</summary>
    public static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join("/", parts);
    }

    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path.Substring(0, slash);
    }
}
