using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.Core.Images;

/// <summary>
/// Annotations set and removed on an existing manifest or index, as -Annotation @{ a = '1'; b = $null } asks:
/// a value sets the key, a null value removes it, keys not named stay as they were.
/// </summary>
public static class AnnotationEdit
{
    /// <summary>The annotations after the edit; null when none are left (the member is then left out).</summary>
    public static IReadOnlyDictionary<string, string>? Apply(IReadOnlyDictionary<string, string>? existing, IReadOnlyDictionary<string, string?>? changes)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in existing ?? new Dictionary<string, string>())
        {
            result[pair.Key] = pair.Value;
        }

        foreach (var pair in changes ?? new Dictionary<string, string?>())
        {
            if (pair.Value is null)
            {
                result.Remove(pair.Key);
            }
            else
            {
                result[pair.Key] = pair.Value;
            }
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>Only the values that set a key (what a new manifest takes: there is nothing to remove).</summary>
    public static IReadOnlyDictionary<string, string>? SetOnly(IReadOnlyDictionary<string, string?>? changes) => Apply(null, changes);

    public static bool Same(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(p => b!.TryGetValue(p.Key, out var v) && v == p.Value));
}
