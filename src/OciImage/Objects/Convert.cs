using System.Collections;
using System.Collections.Generic;

namespace OciImage;

/// <summary>Shapes engine values the way PowerShell users expect them.</summary>
internal static class Convert
{
    /// <summary>An ordered, case-sensitive hashtable (annotation keys are case-sensitive).</summary>
    public static Hashtable ToHashtable(IEnumerable<KeyValuePair<string, string>>? pairs)
    {
        var table = new Hashtable(System.StringComparer.Ordinal);
        if (pairs is not null)
        {
            foreach (var pair in pairs)
            {
                table[pair.Key] = pair.Value;
            }
        }

        return table;
    }
}
