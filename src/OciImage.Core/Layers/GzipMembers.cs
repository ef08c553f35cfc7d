using System.IO;
using System.IO.Compression;
using ICSharpCode.SharpZipLib.GZip;

namespace OciImage.Core.Layers;

/// <summary>
/// Reads every member of a gzip stream on every runtime. A gzip blob may be several members end to end (pigz,
/// `cat a.gz b.gz`, and this engine's own layers of more than one 4 MiB chunk). .NET's GZipStream reads them all
/// (since .NET Core 3.0); .NET Framework's and Mono's stop after the first and report a clean end, so a layer would
/// read as a truncated tar on Windows PowerShell 5.1. Which kind this runtime has is found once, by decompressing a
/// two-member stream, not from the runtime's name; where GZipStream stops early, SharpZipLib's reader is used.
/// </summary>
internal static class GzipMembers
{
    /// <summary>True where the runtime's GZipStream reads past the first member (.NET); false on .NET Framework and Mono.</summary>
    public static readonly bool RuntimeReadsEveryMember = Probe();

    public static Stream Open(Stream compressed) => Open(compressed, RuntimeReadsEveryMember);

    /// <param name="runtimeReadsEveryMember">Injected by tests, to run the other runtime's path here.</param>
    internal static Stream Open(Stream compressed, bool runtimeReadsEveryMember) => runtimeReadsEveryMember
        ? new GZipStream(compressed, CompressionMode.Decompress)
        : new GZipInputStream(compressed) { IsStreamOwner = true };

    private static bool Probe()
    {
        var twoMembers = new MemoryStream();
        foreach (var part in new byte[] { (byte)'a', (byte)'b' })
        {
            using var member = new GZipStream(twoMembers, CompressionMode.Compress, leaveOpen: true);
            member.WriteByte(part);
        }

        twoMembers.Position = 0;
        using var reader = new GZipStream(twoMembers, CompressionMode.Decompress);
        var read = new MemoryStream();
        reader.CopyTo(read);
        return read.Length == 2;
    }
}
