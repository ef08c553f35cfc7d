using System;
using System.Net;

namespace OciImage.Core.Registry;

/// <summary>The host of a "host[:port]" authority, and whether it is this machine.</summary>
public readonly struct HostPort
{
    public HostPort(string authority)
    {
        var host = authority;
        if (host.StartsWith("[", StringComparison.Ordinal))
        {
            var close = host.IndexOf(']');
            host = close > 0 ? host.Substring(1, close - 1) : host;
        }
        else
        {
            var colon = host.LastIndexOf(':');
            if (colon >= 0 && host.IndexOf(':') == colon)
            {
                host = host.Substring(0, colon);
            }
        }

        Host = host;
    }

    public string Host { get; }

    /// <summary>localhost, 127.0.0.0/8 or ::1: plain HTTP is allowed there without -AllowInsecure.</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));
}
