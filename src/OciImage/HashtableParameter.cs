using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OciImage.Core.Errors;

namespace OciImage;

/// <summary>Hashtable parameters (-Environment, -Label, -Annotation) read the same way by every cmdlet.</summary>
internal static class HashtableParameter
{
    /// <summary>A hashtable whose values must be strings (or $null): anything else is a clear error.</summary>
    public static IReadOnlyDictionary<string, string?>? Strings(Hashtable? table, string parameter)
    {
        if (table is null)
        {
            return null;
        }

        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            var value = entry.Value is PSObject ps ? ps.BaseObject : entry.Value;
            if (value is not null && value is not string)
            {
                throw new InvalidMapValueException(parameter, entry.Key?.ToString() ?? string.Empty, value.GetType().Name);
            }

            result[entry.Key?.ToString() ?? string.Empty] = (string?)value;
        }

        return result;
    }

    /// <summary>-Annotation: string values; a $null value leaves the key out.</summary>
    public static IReadOnlyDictionary<string, string>? Annotations(Hashtable? table) =>
        Strings(table, "Annotation")?.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
}
