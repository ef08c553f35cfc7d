using System;
using OciImage.Core;
using OciImage.Core.Errors;

namespace OciImage;

/// <summary>Turns what users type for a registry (https://host:5000/, index.docker.io) into host[:port].</summary>
internal static class RegistryName
{
    /// <summary>"https" or "http" when the text names its scheme (https://127.0.0.1:5443), else null; any other scheme is refused.</summary>
    public static string? SchemeOf(string text)
    {
        var value = text.Trim();
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        return value.Substring(0, scheme).ToLowerInvariant() switch
        {
            "https" => "https",
            "http" => "http",
            _ => throw new InvalidReferenceException(text, "a registry is reached over https:// or http:// only"),
        };
    }

    public static string Normalise(string text)
    {
        var value = text.Trim();
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            value = value.Substring(scheme + 3);
        }

        value = value.TrimEnd('/');
        var slash = value.IndexOf('/');
        if (slash >= 0)
        {
            value = value.Substring(0, slash);
        }

        if (value is "index.docker.io" or "registry-1.docker.io")
        {
            value = Reference.DockerHub;
        }

        // Reuse the reference grammar to validate the host part.
        if (value.Length == 0 || !Reference.TryParse(value + "/x", out var parsed) || parsed!.Registry != value)
        {
            throw new InvalidReferenceException(text, "it is not a registry host[:port]");
        }

        return value;
    }
}
