using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Structure-aware mutations of a JSON document, by type rather than by byte: a node (the root included) becomes
/// null or a value of another type, a member or item goes missing, a string becomes huge or odd, an array grows
/// wide, a value is buried under deep nesting. Byte fuzzers rarely produce such shapes; readers meet them from
/// any registry, archive or helper. Deterministic for a seeded <see cref="Random"/>.
/// </summary>
public static class JsonTreeMutator
{
    /// <summary>Nesting depths tried: around the readers' limit of 64, and far past any stack.</summary>
    /// <summary>The largest document made: 4 MiB, the size readers take before any limit of theirs.</summary>
    public const int MaxLength = 4 * 1024 * 1024;

    private static readonly int[] Depths = { 2, 63, 64, 65, 1_000, 5_000 };

    private static readonly string[] OddStrings = { "", "\u0000", "sha256:", "sha256:" + new string('A', 64), "../../etc/passwd", "\uD800", "1e400", "null" };

    public static string Mutate(Random random, string seed)
    {
        var root = JsonNode.Parse(seed);
        var late = new List<(string Token, string Text)>();
        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            var places = Places(root).ToList();
            var (parent, key, index) = places[random.Next(places.Count)];
            var kind = random.Next(9);
            if (kind == 2 && parent is not null)
            {
                // Missing: the member or item removed.
                if (parent is JsonObject o)
                {
                    o.Remove(key!);
                }
                else
                {
                    ((JsonArray)parent).RemoveAt(index);
                }

                continue;
            }

            JsonNode? replacement;
            switch (kind)
            {
                case 0:
                    replacement = null;
                    break;
                case 1:
                case 2:
                    replacement = OtherType(random);
                    break;
                case 3:
                    // Huge: a string past any limit a reader keeps, placed after serialisation.
                    replacement = Late(late, "\"" + new string('x', 1 + random.Next(300_000)) + "\"");
                    break;
                case 4:
                    var depth = Depths[random.Next(Depths.Length)];
                    var array = random.Next(2) == 0;
                    var inner = Get(root, parent, key, index)?.ToJsonString() ?? "null";
                    var text = new StringBuilder();
                    for (var i = 0; i < depth; i++)
                    {
                        text.Append(array ? "[" : "{\"a\":");
                    }

                    text.Append(inner);
                    for (var i = 0; i < depth; i++)
                    {
                        text.Append(array ? ']' : '}');
                    }

                    replacement = Late(late, text.ToString());
                    break;
                case 5:
                    replacement = JsonValue.Create(OddStrings[random.Next(OddStrings.Length)]);
                    break;
                case 6:
                    replacement = JsonValue.Create(new[] { -1L, 0L, long.MaxValue, long.MinValue, int.MaxValue + 1L }[random.Next(5)]);
                    break;
                case 7:
                    // Wide: the node repeated in an array of many items.
                    var one = Get(root, parent, key, index)?.ToJsonString() ?? "null";
                    replacement = Late(late, "[" + string.Join(",", Enumerable.Repeat(one, 1 + random.Next(2_000))) + "]");
                    break;
                default:
                    replacement = new JsonArray(OtherType(random), null);
                    break;
            }

            if (parent is null)
            {
                root = replacement;
            }
            else if (parent is JsonObject o)
            {
                o[key!] = replacement;
            }
            else
            {
                ((JsonArray)parent)[index] = replacement;
            }
        }

        var result = root?.ToJsonString() ?? "null";
        // Latest first: a later placeholder's text may hold an earlier one.
        // A wide array of a huge string of deep nesting would multiply past memory: over MaxLength, a placeholder
        // stays a short string.
        foreach (var (token, text) in Enumerable.Reverse(late))
        {
            var quoted = "\"" + token + "\"";
            var count = (result.Length - result.Replace(quoted, string.Empty).Length) / quoted.Length;
            result = result.Replace(quoted, result.Length + ((long)count * text.Length) > MaxLength ? "\"x\"" : text);
        }

        return result;
    }

    /// <summary>Every place a node stands: (null, null, -1) for the root, else its parent and its key or index.</summary>
    private static IEnumerable<(JsonNode? Parent, string? Key, int Index)> Places(JsonNode? root)
    {
        yield return (null, null, -1);
        var pending = new Stack<JsonNode>();
        if (root is not null)
        {
            pending.Push(root);
        }

        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is JsonObject o)
            {
                foreach (var pair in o.ToList())
                {
                    yield return (o, pair.Key, -1);
                    if (pair.Value is not null)
                    {
                        pending.Push(pair.Value);
                    }
                }
            }
            else if (node is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    yield return (a, null, i);
                    if (a[i] is { } item)
                    {
                        pending.Push(item);
                    }
                }
            }
        }
    }

    private static JsonNode? Get(JsonNode? root, JsonNode? parent, string? key, int index) =>
        parent switch
        {
            null => root,
            JsonObject o => o[key!],
            _ => ((JsonArray)parent)[index],
        };

    private static JsonNode? OtherType(Random random) => random.Next(7) switch
    {
        0 => JsonValue.Create("s"),
        1 => JsonValue.Create(1),
        2 => JsonValue.Create(true),
        3 => new JsonArray(),
        4 => new JsonObject(),
        5 => new JsonObject { ["a"] = null },
        _ => JsonValue.Create(2.5),
    };

    /// <summary>A placeholder string swapped for raw text once the tree is written (text the tree cannot hold).</summary>
    private static JsonNode Late(List<(string Token, string Text)> late, string text)
    {
        var token = "~late-" + late.Count + "~";
        late.Add((token, text));
        return JsonValue.Create(token);
    }
}
