using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Mirror;

/// <summary>
/// What a mirror's files and piped objects hold, read as plain values: a JSON file of entries (an array, or an
/// object whose list key holds one), each entry a case-insensitive dictionary of text, numbers as text, flags and
/// lists; text, and flags, from whatever a property gives. The caller names the error each failure becomes.
/// </summary>
internal static class PlainValues
{
    /// <param name="fail">Makes the caller's error from where (file, entry) and why.</param>
    public static IReadOnlyList<(Hashtable Entry, string Where)> JsonEntries(string path, long maxBytes, string listKey, Func<string, string, Exception> fail)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundOciException(path);
        }

        var bytes = BoundedRead.File(path, maxBytes, size => fail(path, $"it is {size} bytes or more, above the {maxBytes / (1024 * 1024)} MiB it may hold"), why => fail(path, why));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw fail($"{path}, line {(ex.LineNumber ?? 0) + 1}", "it is not JSON: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            var single = false;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var list = root.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, listKey, StringComparison.OrdinalIgnoreCase)).Value;

                // PowerShell's ConvertTo-Json writes a list of one as that one object, not as an array of one.
                single = list.ValueKind == JsonValueKind.Undefined;
                root = single ? root : list;
            }

            if (!single && root.ValueKind != JsonValueKind.Array)
            {
                throw fail(path, $"it holds neither an array, nor an object with \"{listKey}\", nor one entry");
            }

            var entries = new List<(Hashtable, string)>();
            var index = 0;
            foreach (var element in single ? new[] { root } : root.EnumerateArray().ToArray())
            {
                var where = single ? path : $"{path}, {listKey}[{index++}]";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw fail(where, "it is not an object");
                }

                var entry = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (var property in element.EnumerateObject())
                {
                    entry[property.Name] = JsonValue(property.Value);
                }

                entries.Add((entry, where));
            }

            return entries;
        }
    }

    private static object? JsonValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(JsonValue).ToList(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    /// <summary>A value as text; null for nothing, an empty string or a list.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        IEnumerable => null,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } s ? s : null,
    };

    /// <summary>A flag: absent is false; true/false as a value or as text; anything else what <paramref name="fail"/> makes.</summary>
    public static bool Flag(object? value, Func<string, Exception> fail) => value switch
    {
        null => false,
        bool b => b,
        _ => Text(value) is { } text ? bool.TryParse(text, out var parsed) ? parsed : throw fail(text) : false,
    };
}
