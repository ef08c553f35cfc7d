using System;
using System.Collections.Generic;
using System.Linq;
using OciImage.Core.Analysis;
using OciImage.Core.Layers;
using OciImage.Core.Layers.Tar;

namespace OciImage.Core.Rewrite;

/// <summary>
/// What the tar rewriter does to each entry: remove those under a pattern (with the whiteouts and hard links that
/// name a removed path, so no layer keeps a way back to it), and set every kept entry's times.
/// </summary>
internal sealed class TarRules
{
    private readonly IReadOnlyList<PathFilter> _remove;
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);

    public TarRules(IReadOnlyList<PathFilter> remove, DateTimeOffset? time)
    {
        _remove = remove;
        Time = time;
    }

    /// <summary>Every kept entry's time; null to keep the times.</summary>
    public DateTimeOffset? Time { get; }

    /// <summary>True when no rule can change an entry: the tar passes unread.</summary>
    public bool IsEmpty => _remove.Count == 0 && Time is null;

    /// <summary>The patterns that removed something, across every layer these rules saw.</summary>
    public IReadOnlyCollection<string> Matched => _matched;

    /// <summary>
    /// True when <paramref name="path"/> goes: it or a directory above it matches; or it is a whiteout (.wh.NAME)
    /// of a path that matches (no lower layer holds that path any more); or a hard link to a path that matches
    /// (the same file by another name).
    /// </summary>
    public bool Removes(string path, TarHeader entry)
    {
        var slash = path.LastIndexOf('/');
        var name = path.Substring(slash + 1);
        var hidden = name.StartsWith(".wh.", StringComparison.Ordinal) && name != ".wh..wh..opq"
            ? path.Substring(0, slash + 1) + name.Substring(4)
            : null;
        var link = entry.TypeFlag == TarTypeFlag.HardLink ? "/" + LayerReader.Normalise(entry.LinkName).TrimStart('/') : null;
        var any = false;
        foreach (var filter in _remove)
        {
            if (filter.Includes(path) || (hidden is not null && filter.Includes(hidden)) || (link is not null && filter.Includes(link)))
            {
                _matched.Add(filter.Pattern);
                any = true;
            }
        }

        return any;
    }

    public static TarRules From(IEnumerable<string>? patterns, DateTimeOffset? time) =>
        new((patterns ?? Enumerable.Empty<string>()).Select(p => new PathFilter(p)).ToList(), time);
}
