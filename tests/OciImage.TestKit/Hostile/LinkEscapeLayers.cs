using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: an expansion reaching outside its target through a link. Each case is a list of layers (tar
/// bytes) aimed at <c>outside</c>, an absolute path on the host that holds a file <c>secret</c> and a directory
/// <c>b</c>: a symbolic link to it (absolute, as a container would read it inside the root; or through a chain),
/// then a directory entry (mode 07777) whose mode and time would be applied through the link, a file written
/// through it, a hard link to what it holds, a whiteout or an opaque marker under it. A correct expansion either
/// refuses the layer (UnsafeLayerEntry) or expands it inside the target; nothing under <c>outside</c> changes.
/// <see cref="EveryOrder"/> gives every order of a set of such entries, in one layer and split across layers.
/// </summary>
public static class LinkEscapeLayers
{
    /// <summary>The modes an attacker wants on a host directory: setuid, setgid, sticky and world-writable.</summary>
    public const int AllBits = 0xFFF;

    /// <summary>A named hostile image: its layers, bottom first.</summary>
    public sealed record Case(string Name, IReadOnlyList<byte[]> Layers)
    {
        public override string ToString() => Name;
    }

    /// <summary>One entry of a hostile layer, with a short label for case names.</summary>
    public sealed record Entry(string Label, Action<HostileTar> Write);

    /// <summary>The hand-written cases, each named for the trick it plays.</summary>
    public static IEnumerable<Case> Named(string outside)
    {
        Entry[] E(params Entry[] entries) => entries;
        var cases = new (string Name, Entry[][] Layers)[]
        {
            // The example: a directory's deferred mode and time, re-applied by path once a link replaced it.
            ("dir-then-link-one-layer", new[] { E(DirEvil, LinkEvil(outside)) }),
            ("dir-then-link-two-layers", new[] { E(DirEvil), E(LinkEvil(outside)) }),
            ("dir-whiteout-then-link", new[] { E(DirEvil), E(WhiteoutEvil), E(LinkEvil(outside)) }),
            ("nested-dir-then-parent-link", new[] { E(new Entry("a/", t => t.Directory("a/")), new Entry("a/b/", t => t.Directory("a/b/", AllBits))), E(new Entry("a->outside", t => t.Symlink("a", outside))) }),
            ("dir-then-link-chain", new[] { E(DirEvil, new Entry("evil->hop", t => t.Symlink("evil", "hop")), new Entry("hop->outside", t => t.Symlink("hop", outside))) }),
            ("relative-link-chain-up", new[] { E(DirEvil), E(new Entry("evil->hop/..", t => t.Symlink("evil", "hop/../../../../../../../../../../.." + outside))) }),
            ("link-then-file-through", new[] { E(LinkEvil(outside), FileThrough) }),
            ("link-then-dir-through", new[] { E(LinkEvil(outside), new Entry("evil/b/", t => t.Directory("evil/b/", AllBits))) }),
            ("dir-replaced-by-link-then-written", new[] { E(DirEvil, FileThrough), E(LinkEvil(outside), FileThrough, new Entry("evil/b/", t => t.Directory("evil/b/", AllBits))) }),
            ("hardlink-through-link", new[] { E(LinkEvil(outside)), E(new Entry("h=>evil/secret", t => t.HardLink("h", "evil/secret")), new Entry("h", t => t.File("h", "pwned"))) }),
            ("hardlink-absolute-outside", new[] { E(new Entry("h=>outside/secret", t => t.HardLink("h", outside + "/secret"))) }),
            ("whiteout-through-link", new[] { E(LinkEvil(outside)), E(new Entry("evil/.wh.secret", t => t.Whiteout("evil/secret"))) }),
            ("opaque-through-link", new[] { E(LinkEvil(outside)), E(new Entry("evil/.wh..wh..opq", t => t.Opaque("evil"))) }),
            ("file-mode-then-link", new[] { E(new Entry("f 07777", t => t.File("f", System.Text.Encoding.UTF8.GetBytes("x"), AllBits))), E(new Entry("f->outside/secret", t => t.Symlink("f", outside + "/secret"))) }),
            ("dir-twice-link-between", new[] { E(DirEvil), E(LinkEvil(outside)), E(DirEvil) }),
        };
        return cases.Select(c => new Case(c.Name, c.Layers.Select(Tar).ToList()));
    }

    /// <summary>The entry sets that <see cref="EveryOrder"/> permutes, by name.</summary>
    public static IEnumerable<(string Name, Entry[] Entries)> PermutedSets(string outside) => new[]
    {
        ("dir-link-file-whiteout-subdir", new[] { DirEvil, LinkEvil(outside), FileThrough, WhiteoutEvil, new Entry("evil/b/", t => t.Directory("evil/b/", AllBits)) }),
        ("dir-chain", new[] { DirEvil, new Entry("evil->hop", t => t.Symlink("evil", "hop")), new Entry("hop->outside", t => t.Symlink("hop", outside)), FileThrough }),
        ("link-hardlink-dir-file", new[] { LinkEvil(outside), new Entry("h=>evil/secret", t => t.HardLink("h", "evil/secret")), DirEvil, FileThrough }),
        ("link-opaque-dir", new[] { LinkEvil(outside), new Entry("evil/.wh..wh..opq", t => t.Opaque("evil")), DirEvil, new Entry("evil/b/", t => t.Directory("evil/b/", AllBits)) }),
    };

    /// <summary>
    /// Every order of <paramref name="entries"/>, and for each every split into consecutive layers (one layer, one
    /// an entry, and all between): n! * 2^(n-1) images.
    /// </summary>
    public static IEnumerable<Case> EveryOrder(string name, IReadOnlyList<Entry> entries)
    {
        foreach (var order in Permutations(entries.ToList()))
        {
            for (var cuts = 0; cuts < 1 << (order.Count - 1); cuts++)
            {
                var layers = new List<List<Entry>> { new() };
                for (var i = 0; i < order.Count; i++)
                {
                    if (i > 0 && (cuts & (1 << (i - 1))) != 0)
                    {
                        layers.Add(new List<Entry>());
                    }

                    layers[^1].Add(order[i]);
                }

                var label = string.Join(" | ", layers.Select(l => string.Join(", ", l.Select(e => e.Label))));
                yield return new Case(name + ": " + label, layers.Select(l => Tar(l.ToArray())).ToList());
            }
        }
    }

    private static Entry DirEvil => new("evil/ 07777", t => t.Directory("evil/", AllBits));

    private static Entry WhiteoutEvil => new(".wh.evil", t => t.Whiteout("evil"));

    private static Entry FileThrough => new("evil/secret", t => t.File("evil/secret", "pwned"));

    private static Entry LinkEvil(string outside) => new("evil->outside", t => t.Symlink("evil", outside));

    private static byte[] Tar(Entry[] entries)
    {
        var tar = new HostileTar();
        foreach (var entry in entries)
        {
            entry.Write(tar);
        }

        return tar.ToArray();
    }

    private static IEnumerable<List<Entry>> Permutations(List<Entry> items)
    {
        if (items.Count <= 1)
        {
            yield return items.ToList();
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                tail.Insert(0, items[i]);
                yield return tail;
            }
        }
    }
}
