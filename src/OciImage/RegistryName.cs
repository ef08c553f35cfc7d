using System;
using OciImage.Core;
using OciImage.Core.Errors;

namespace OciImage;

/// <summary>Turns what users type for a registry (https://host:5000/, index.docker.io) into host[:port].</summary>
internal static class RegistryName
{
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
