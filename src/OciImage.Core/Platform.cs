using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;
using OciImage.Core.Errors;

namespace OciImage.Core;

/// <summary>
/// An image platform as in an index entry: <c>os/architecture[/variant]</c>, plus os.version and os.features.
/// Matching normalises the way containerd does: arm64 means arm64/v8, arm means arm/v7, aarch64 is arm64,
/// x86_64 is amd64; a request without a variant matches any variant of its architecture, except for arm and
/// arm64, whose default variants (v7, v8) are meant. Where the exact variant is missing, the newest older
/// one is chosen (<see cref="CompatibilityRank"/>).
/// </summary>
public sealed class Platform : IEquatable<Platform>, Model.IShaped
{
    [JsonConstructor]
    public Platform(string os, string architecture, string? variant = null, string? osVersion = null, IReadOnlyList<string>? osFeatures = null)
    {
        OS = os;
        Architecture = architecture;
        Variant = string.IsNullOrEmpty(variant) ? null : variant;
        OSVersion = string.IsNullOrEmpty(osVersion) ? null : osVersion;
        OSFeatures = osFeatures;
    }

    [JsonPropertyName("architecture")]
    public string Architecture { get; }

    [JsonPropertyName("os")]
    public string OS { get; }

    [JsonPropertyName("os.version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OSVersion { get; }

    [JsonPropertyName("os.features")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? OSFeatures { get; }

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; }

    /// <summary>As read from a document: os and architecture are strings, os.features has no null.</summary>
    public void CheckShape(string path)
    {
        Model.Shape.Required(OS, Model.Shape.Member(path, "os"), "a string");
        Model.Shape.Required(Architecture, Model.Shape.Member(path, "architecture"), "a string");
        Model.Shape.NoNullItems(OSFeatures, Model.Shape.Member(path, "os.features"));
    }

    public static Platform Parse(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidPlatformException(value ?? "(null)", "it is empty");
        }

        var parts = value.Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            throw new InvalidPlatformException(value, "it needs two or three parts separated by '/'");
        }

        foreach (var part in parts)
        {
            if (!part.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '-' || c == '.'))
            {
                throw new InvalidPlatformException(value, $"'{part}' has characters other than letters, digits, '_', '-' and '.'");
            }
        }

        return new Platform(parts[0].ToLowerInvariant(), parts[1].ToLowerInvariant(), parts.Length == 3 ? parts[2].ToLowerInvariant() : null);
    }

    /// <summary>True when <paramref name="candidate"/> is this platform, once normalised (no older variant).</summary>
    public bool Matches(Platform candidate) => CompatibilityRank(candidate) == 0;

    /// <summary>
    /// How well an image of platform <paramref name="candidate"/> runs where this platform is asked for, as
    /// containerd's and containers/image's platform matchers rank it: 0 for this very platform, 1, 2... for
    /// older variants a machine of this one runs (arm/v7 runs arm/v6 and arm/v5, amd64/v3 runs v2 and v1,
    /// arm64/v9 runs v8), null when it cannot run it. Lower is better.
    /// </summary>
    public int? CompatibilityRank(Platform candidate)
    {
        if (!string.Equals(OS, candidate.OS, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var (arch, variant) = Normalize(Architecture, Variant);
        var (candidateArch, candidateVariant) = Normalize(candidate.Architecture, candidate.Variant);
        if (arch != candidateArch)
        {
            return null;
        }

        if (OSVersion is not null && !string.Equals(OSVersion, candidate.OSVersion, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // No variant asked for an architecture without a default one (amd64): any variant will do, as before.
        if (Variant is null && !HasDefaultVariant(arch))
        {
            return 0;
        }

        if (variant == candidateVariant)
        {
            return 0;
        }

        // Older variants of the same architecture, down to the oldest one containerd falls back to.
        var oldest = arch switch { "arm" => 5, "arm64" => 8, "amd64" => 1, _ => int.MaxValue };
        if (VariantNumber(variant) is { } wanted && VariantNumber(candidateVariant) is { } offered && offered < wanted && offered >= oldest)
        {
            return wanted - offered;
        }

        return null;
    }
    public override string ToString() => Variant is null ? $"{OS}/{Architecture}" : $"{OS}/{Architecture}/{Variant}";

    public bool Equals(Platform? other) =>
        other is not null && ToString() == other.ToString() && OSVersion == other.OSVersion;

    public override bool Equals(object? obj) => obj switch
    {
        Platform p => Equals(p),
        string s => string.Equals(ToString(), s, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    public override int GetHashCode() => ToString().GetHashCode();

    private static bool HasDefaultVariant(string architecture) => architecture is "arm64" or "arm";

    /// <summary>"v7" is 7; amd64's missing variant is v1; null for a variant that is not vN.</summary>
    private static int? VariantNumber(string? variant)
    {
        if (variant is null)
        {
            return 1;
        }

        return variant.Length > 1 && variant[0] == 'v' && int.TryParse(variant.Substring(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static (string Architecture, string? Variant) Normalize(string architecture, string? variant)
    {
        var arch = architecture.ToLowerInvariant();
        var v = variant?.ToLowerInvariant();
        switch (arch)
        {
            case "aarch64":
            case "arm64":
                arch = "arm64";
                v = v is null or "8" or "v8" ? "v8" : v;
                break;
            case "armhf":
                arch = "arm";
                v = "v7";
                break;
            case "armel":
                arch = "arm";
                v = "v6";
                break;
            case "arm":
                v = v is null or "7" ? "v7" : v.StartsWith("v", StringComparison.Ordinal) ? v : "v" + v;
                break;
            case "x86_64":
            case "x86-64":
            case "amd64":
                arch = "amd64";
                v = v is null or "v1" ? null : v;
                break;
            case "i386":
            case "386":
                arch = "386";
                break;
        }

        return (arch, v);
    }
}
