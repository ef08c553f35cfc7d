using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using OciImage.Core.Registry;

namespace OciImage;

/// <summary>Shapes engine values the way PowerShell users expect them.</summary>
internal static class Shapes
{
    /// <summary>A case-sensitive hashtable (annotation and label keys are case-sensitive).</summary>
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

    /// <summary>A PowerShell credential as the engine takes it; the secret leaves the SecureString only here.</summary>
    public static RegistryCredential ToRegistryCredential(PSCredential credential, string source) =>
        new(credential.UserName, credential.GetNetworkCredential().Password) { Source = source };
}
