using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Layers;
using OciImage.Core.Stores;

namespace OciImage.Core.Analysis;

/// <summary>
/// Compares two images: their layers (by digest, or by DiffID when only the compression differs), and their
/// merged file systems path by path, contents by digest (a file rewritten with the same bytes is not Modified).
/// </summary>
internal static class ImageComparer
{
    /// <summary>Layer by layer: the difference image's layers in order (Shared or Added), then the reference's Removed ones.</summary>
    public static async Task<IReadOnlyList<LayerDifference>> CompareLayersAsync(IImageStore referenceStore, Reference reference, IImageStore differenceStore, Reference difference,
        Platform? platform, CancellationToken cancellationToken)
    {
        var a = await ImageAnalyzer.ResolveAsync(referenceStore, reference, platform, cancellationToken).ConfigureAwait(false);
        var b = await ImageAnalyzer.ResolveAsync(differenceStore, difference, platform, cancellationToken).ConfigureAwait(false);
        return CompareLayers(Sides(a.Image.Image!, a.Config), Sides(b.Image.Image!, b.Config));
    }

    /// <summary>Path by path, both images read in full (contents hashed), optionally within a subtree.</summary>
    public static async Task<FileComparison> CompareFilesAsync(IImageStore referenceStore, Reference reference, IImageStore differenceStore, Reference difference,
        Platform? platform, PathFilter? filter, IEngineLog log, CancellationToken cancellationToken)
    {
        var options = new AnalysisOptions { HashContent = true };
        var a = ImageAnalyzer.AnalyzeAsync(referenceStore, reference, platform, options, log, cancellationToken);
        var b = ImageAnalyzer.AnalyzeAsync(differenceStore, difference, platform, options, log, cancellationToken);
        await Task.WhenAll(a, b).ConfigureAwait(false);
        return new FileComparison(a.Result, b.Result, CompareFiles(a.Result.FileSystem.Entries(), b.Result.FileSystem.Entries(), filter));
    }

    public static IReadOnlyList<LayerDifference> CompareLayers(IReadOnlyList<LayerSide> reference, IReadOnlyList<LayerSide> difference)
    {
        var unmatched = reference.ToList();
        var result = new List<LayerDifference>();
        foreach (var layer in difference)
        {
            var byDigest = unmatched.FirstOrDefault(r => r.Descriptor.Digest == layer.Descriptor.Digest);
            var match = byDigest ?? unmatched.FirstOrDefault(r => r.DiffId is not null && r.DiffId == layer.DiffId);
            if (match is null)
            {
                result.Add(new LayerDifference(LayerChange.Added, null, null, layer));
                continue;
            }

            unmatched.Remove(match);
            result.Add(new LayerDifference(LayerChange.Shared, byDigest is not null ? "Digest" : "DiffId", match, layer));
        }

        result.AddRange(unmatched.Select(r => new LayerDifference(LayerChange.Removed, null, r, null)));
        return result;
    }

    public static IReadOnlyList<FileDifference> CompareFiles(IEnumerable<MergedEntry> reference, IEnumerable<MergedEntry> difference, PathFilter? filter)
    {
        var before = new Dictionary<string, MergedEntry>(StringComparer.Ordinal);
        foreach (var entry in reference)
        {
            if (filter is null || filter.Includes(entry.Path))
            {
                before[entry.Path] = entry;
            }
        }

        var result = new List<FileDifference>();
        foreach (var after in difference)
        {
            if (filter is not null && !filter.Includes(after.Path))
            {
                continue;
            }

            if (!before.TryGetValue(after.Path, out var old))
            {
                result.Add(new FileDifference(after.Path, new[] { FileChange.Added }, null, after));
                continue;
            }

            before.Remove(after.Path);
            var changes = Changes(old, after);
            if (changes.Count > 0)
            {
                result.Add(new FileDifference(after.Path, changes, old, after));
            }
        }

        result.AddRange(before.Values.Select(old => new FileDifference(old.Path, new[] { FileChange.Removed }, old, null)));
        result.Sort((x, y) => string.CompareOrdinal(x.Path, y.Path));
        return result;
    }

    /// <summary>
    /// A file and a hard link are both a name for bytes, as on a disk: either is Modified when the bytes it names
    /// differ (a link re-made to a rewritten file included), and a hard link's mode and owner are those of the file
    /// it shares. A hard link that links elsewhere is LinkChanged, as before.
    /// </summary>
    private static IReadOnlyList<FileChange> Changes(MergedEntry oldPath, MergedEntry nowPath)
    {
        var old = oldPath.Entry;
        var now = nowPath.Entry;
        var changes = new List<FileChange>();
        var (oldKind, nowKind) = (Compared(oldPath), Compared(nowPath));
        if (oldKind != nowKind)
        {
            changes.Add(FileChange.TypeChanged);
        }
        else if (nowKind == EntryKind.File && (oldPath.Content?.Size != nowPath.Content?.Size || oldPath.Content?.ContentDigest != nowPath.Content?.ContentDigest))
        {
            changes.Add(FileChange.Modified);
        }

        if (old.Kind == now.Kind && now.Kind is (EntryKind.Symlink or EntryKind.HardLink) && old.LinkTarget != now.LinkTarget)
        {
            changes.Add(FileChange.LinkChanged);
        }
        else if (oldKind == EntryKind.Symlink && nowKind == EntryKind.Symlink && SymlinkTarget(oldPath) != SymlinkTarget(nowPath))
        {
            changes.Add(FileChange.LinkChanged);
        }

        var (oldMeta, nowMeta) = (Metadata(oldPath), Metadata(nowPath));
        if (oldMeta.Mode != nowMeta.Mode)
        {
            changes.Add(FileChange.ModeChanged);
        }

        if (oldMeta.UserId != nowMeta.UserId || oldMeta.GroupId != nowMeta.GroupId)
        {
            changes.Add(FileChange.OwnerChanged);
        }

        return changes;
    }

    /// <summary>Where a path's mode and owner come from: the shared file for a hard link, the entry otherwise.</summary>
    private static LayerEntry Metadata(MergedEntry path) => path.Entry.Kind == EntryKind.HardLink && path.Content is not null ? path.Content : path.Entry;

    /// <summary>What a path is on disk: a hard link is the file it shares, or the symbolic link when it names one.</summary>
    private static EntryKind Compared(MergedEntry path) =>
        path.Entry.Kind != EntryKind.HardLink ? path.Entry.Kind : path.Content?.Kind == EntryKind.Symlink ? EntryKind.Symlink : EntryKind.File;

    private static string? SymlinkTarget(MergedEntry path) => path.Entry.Kind == EntryKind.HardLink ? path.Content?.LinkTarget : path.Entry.LinkTarget;

    private static IReadOnlyList<LayerSide> Sides(Model.ImageManifest manifest, Model.ImageConfig config)
    {
        var history = config.LayerHistory();
        var diffIds = config.RootFs.DiffIds;
        return manifest.Layers.Select((d, i) => new LayerSide(i, d, i < diffIds.Count ? diffIds[i] : null, i < history.Count ? history[i]?.CreatedBy : null)).ToList();
    }
}
