using System;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using OciImage.Core.Errors;

namespace OciImage.Core;

/// <summary>
/// A content digest, <c>algorithm:hex</c>. Only sha256 and sha512 are accepted, with lowercase hex of the
/// right length, so a Digest that exists is always well formed. Compares equal to its string form.
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly struct Digest : IEquatable<Digest>, IComparable<Digest>
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public string Algorithm { get; }

    public string Hex { get; }

    /// <summary>The first 12 hex characters, as tables show digests.</summary>
    public string Short => Hex is null ? string.Empty : Hex.Substring(0, Math.Min(12, Hex.Length));

    public bool IsEmpty => Hex is null;

    public static Digest Parse(string value)
    {
        if (TryParse(value, out var digest, out var reason))
        {
            return digest;
        }

        throw new InvalidDigestException(value ?? "(null)", reason!);
    }

    public static bool TryParse(string? value, out Digest digest) => TryParse(value, out digest, out _);

    private static bool TryParse(string? value, out Digest digest, out string? reason)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            reason = "it is empty";
            return false;
        }

        var colon = value!.IndexOf(':');
        if (colon <= 0)
        {
            reason = "it has no 'algorithm:' prefix";
            return false;
        }

        var algorithm = value.Substring(0, colon);
        var hex = value.Substring(colon + 1);
        int expected;
        switch (algorithm)
        {
            case Sha256: expected = 64; break;
            case Sha512: expected = 128; break;
            default:
                reason = $"algorithm '{algorithm}' is not supported (sha256 or sha512)";
                return false;
        }

        if (hex.Length != expected)
        {
            reason = $"{algorithm} needs {expected} hex characters, not {hex.Length}";
            return false;
        }

        foreach (var c in hex)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                reason = "the hex part must be lowercase 0-9a-f";
                return false;
            }
        }

        reason = null;
        digest = new Digest(algorithm, hex);
        return true;
    }

    public static Digest FromHash(string algorithm, byte[] hash)
    {
        var chars = new char[hash.Length * 2];
        const string alphabet = "0123456789abcdef";
        for (var i = 0; i < hash.Length; i++)
        {
            chars[2 * i] = alphabet[hash[i] >> 4];
            chars[2 * i + 1] = alphabet[hash[i] & 0xf];
        }

        return new Digest(algorithm, new string(chars));
    }

    public static Digest Compute(byte[] data, string algorithm = Sha256)
    {
        using var hash = CreateHash(algorithm);
        hash.AppendData(data);
        return FromHash(algorithm, hash.GetHashAndReset());
    }

    /// <summary>Hashes a stream to its end without holding it in memory; returns the digest and byte count.</summary>
    public static (Digest Digest, long Size) Compute(Stream stream, string algorithm = Sha256)
    {
        using var hash = CreateHash(algorithm);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }

        return (FromHash(algorithm, hash.GetHashAndReset()), size);
    }

    internal static IncrementalHash CreateHash(string algorithm) => algorithm switch
    {
        Sha256 => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        Sha512 => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        _ => throw new InvalidDigestException(algorithm + ":", $"algorithm '{algorithm}' is not supported"),
    };

    public override string ToString() => Hex is null ? string.Empty : Algorithm + ":" + Hex;

    public bool Equals(Digest other) => Algorithm == other.Algorithm && Hex == other.Hex;

    /// <summary>Equal to another Digest or to its own string form, so <c>$d -eq 'sha256:...'</c> works.</summary>
    public override bool Equals(object? obj) => obj switch
    {
        Digest d => Equals(d),
        string s => string.Equals(ToString(), s, StringComparison.Ordinal),
        _ => false,
    };

    // Digests key dictionaries on the copy path: hash the hex without building the string form.
    public override int GetHashCode() => Hex is null ? 0 : StringComparer.Ordinal.GetHashCode(Hex);

    public int CompareTo(Digest other) => string.CompareOrdinal(ToString(), other.ToString());

    public static bool operator ==(Digest left, Digest right) => left.Equals(right);

    public static bool operator !=(Digest left, Digest right) => !left.Equals(right);
}

internal sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (!Digest.TryParse(text, out var digest))
        {
            // The text is the document's: shown cut short, a hostile 4 MiB string stays out of the message.
            var shown = text is { Length: > 80 } ? text.Substring(0, 80) + "…" : text;
            throw new JsonException($"'{shown}' is not a valid digest.");
        }

        return digest;
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
