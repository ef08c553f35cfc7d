using System;

namespace OciImage.Core.Registry;

/// <summary>
/// Where a credential belongs: scheme, host and port, the port always explicit (https 443, http 80). Uri.Authority
/// drops a default port, so https://host and http://host compare equal by authority; by origin they never do.
/// </summary>
internal readonly struct Origin : IEquatable<Origin>
{
    private Origin(string scheme, string host, int port)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
    }

    public string Scheme { get; }

    public string Host { get; }

    public int Port { get; }

    public bool IsHttps => Scheme == Uri.UriSchemeHttps;

    /// <summary>The origin of an absolute URI (Uri.Port is the scheme's default when none is written).</summary>
    public static Origin Of(Uri uri) => new(uri.Scheme.ToLowerInvariant(), uri.Host.ToLowerInvariant(), uri.Port);

    public bool Equals(Origin other) => Scheme == other.Scheme && Host == other.Host && Port == other.Port;

    public override bool Equals(object? obj) => obj is Origin other && Equals(other);

    public override int GetHashCode() => (Scheme, Host, Port).GetHashCode();

    public static bool operator ==(Origin left, Origin right) => left.Equals(right);

    public static bool operator !=(Origin left, Origin right) => !left.Equals(right);

    public override string ToString() => $"{Scheme}://{Host}:{Port}";
}
