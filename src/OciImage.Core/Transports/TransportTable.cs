using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.Core.Transports;

/// <summary>
/// The one place transports are registered: a new transport is a class in its own file or folder and one entry
/// in <see cref="Default"/>. Reference parsing asks the table which transport a prefix names; text with no
/// registered prefix is a registry reference.
/// </summary>
public sealed class TransportTable
{
    internal static readonly LayoutTransport Layout = new();
    internal static readonly OciArchiveTransport OciArchive = new();
    internal static readonly DockerArchiveTransport DockerArchive = new();
    internal static readonly RegistryImageTransport Registry = new();
    internal static readonly DockerDaemon.DockerDaemonTransport DockerDaemon = new();

    /// <summary>Every transport a reference may name.</summary>
    public static TransportTable Default { get; } = new(
        Layout,
        OciArchive,
        DockerArchive,
        DockerDaemon,
        Registry);

    internal TransportTable(params ImageTransport[] transports)
    {
        Transports = transports;
    }

    public IReadOnlyList<ImageTransport> Transports { get; }

    /// <summary>The transports whose references name a file or directory on this machine.</summary>
    public IEnumerable<ImageTransport> PathTransports => Transports.Where(t => t.NamesAPath);

    /// <summary>The transport whose prefix the text starts with (the longest, should two share a start), or null.</summary>
    public ImageTransport? FindByPrefix(string text)
    {
        ImageTransport? found = null;
        foreach (var transport in Transports)
        {
            if (text.StartsWith(transport.Prefix, StringComparison.Ordinal) && (found is null || transport.Prefix.Length > found.Prefix.Length))
            {
                found = transport;
            }
        }

        return found;
    }
}
