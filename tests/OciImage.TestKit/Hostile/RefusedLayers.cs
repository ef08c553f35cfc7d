using System.Collections.Generic;
using System.Text;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Layers (plain tars) the module's tar reader, or Expand-OciImage's rules for entries, refuse: each named for what
/// it attacks, with the ErrorId it must become wherever it is read. Small: every one is a few KiB.
/// </summary>
public static class RefusedLayers
{
    /// <summary>Every fixture, with the ErrorId the reading must become (Test-OciImage -Deep reports it as a problem instead).</summary>
    public static IReadOnlyList<RefusedLayer> All { get; } = new RefusedLayer[]
    {
        new("CorruptHeaderChecksum", new RawTar().File("ok.txt", "ok").Header("bad.txt", '0', 2, checksumDelta: 1).Data(Encoding.ASCII.GetBytes("xx")).End().ToArray(), "InvalidLayer"),
        new("GnuSparseFile", new RawTar().Header("sparse.bin", 'S', 0, format: "gnu").End().ToArray(), "InvalidLayer"),
        new("TruncatedEntry", new RawTar().Header("cut.bin", '0', 4096).Data(new byte[100], pad: false).ToArray(), "InvalidLayer"),
        new("OversizePaxHeader", TarHeaderBombs.OversizePax(), "InvalidLayer"),
        new("OversizeLongName", TarHeaderBombs.OversizeLongName(), "InvalidLayer"),
        new("EndlessPaxHeaders", TarHeaderBombs.EndlessPax(100), "InvalidLayer"),
        new("AbsoluteName", new RawTar().File("/etc/evil", "x").End().ToArray(), "UnsafeLayerEntry"),
        new("DotDotName", new RawTar().File("a/../../evil", "x").End().ToArray(), "UnsafeLayerEntry"),
        new("SymlinkLeadingOut", new RawTar().Header("link", '2', link: "../../../etc").End().ToArray(), "UnsafeLayerEntry"),
        new("HardLinkOutside", new RawTar().Header("hard", '1', link: "../outside").End().ToArray(), "UnsafeLayerEntry"),
        new("WhiteoutOfDotDot", new RawTar().File("dir/.wh...", string.Empty).End().ToArray(), "UnsafeLayerEntry"),
    };
}

/// <summary>One refused layer: its name, its tar bytes and the ErrorId it becomes.</summary>
public sealed record RefusedLayer(string Name, byte[] Tar, string ErrorId)
{
    public override string ToString() => Name;
}
