using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.Core.Mirror;

/// <summary>
/// -SourceCredential and -DestinationCredential each name one registry's login. A saved plan (perhaps edited by
/// someone else) or a mapping whose one side spans several registries would hand that login to each of them, a
/// stranger's registry included; so such a run is refused before any request, and the user splits it by registry
/// or keeps per-registry logins in a Docker config, which are sent only where they belong.
/// </summary>
public static class SyncCredentialScope
{
    /// <summary>The registries <paramref name="references"/> span when they are more than one (layouts and archives take no login); else null.</summary>
    public static IReadOnlyList<string>? Several(IEnumerable<Reference?> references)
    {
        var registries = references
            .Where(r => r is not null && !r.IsLocal && r.Registry is not null)
            .Select(r => r!.Registry!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(r => r, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return registries.Count > 1 ? registries : null;
    }

    /// <summary>Why a credential cannot go with these references, or null when it can.</summary>
    public static string? Refusal(string parameter, string side, IEnumerable<Reference?> references) =>
        Several(references) is { } registries
            ? $"-{parameter} is one registry's login, and the {side} are on {registries.Count} registries ({string.Join(", ", registries)}): it would be sent to each. Apply each registry's part on its own, or log in to each (Connect-OciRegistry or a Docker config)"
            : null;
}
