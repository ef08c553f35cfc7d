using System;
using System.Linq;
using System.Text;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Tars that attack a reader's memory and time through its special headers (GNU long names, PAX records): each
/// declares or piles up more than a reader may buffer. A bounded reader refuses them from the declared size or
/// the count, having read a few blocks; an unbounded one allocates what they declare or loops on them.
/// </summary>
public static class TarHeaderBombs
{
    /// <summary>A GNU long-name entry declaring 1.5 GiB, followed by 64 KiB of 'a' (the 68 KiB layer).</summary>
    public static byte[] OversizeLongName() =>
        new RawTar().Header("././@LongLink", 'L', 1536L * 1024 * 1024, format: "gnu").Data(Filler(64 * 1024), pad: false).ToArray();

    /// <summary>A GNU long link name declaring 1.5 GiB.</summary>
    public static byte[] OversizeLongLink() =>
        new RawTar().Header("././@LongLink", 'K', 1536L * 1024 * 1024, format: "gnu").Data(Filler(64 * 1024), pad: false).ToArray();

    /// <summary>A PAX header declaring 2 MiB (over the 1 MiB Go and this module accept), its records really there.</summary>
    public static byte[] OversizePax()
    {
        var record = RawTar.PaxRecord("comment", Filler(2 * 1024 * 1024));
        return new RawTar().Header("PaxHeaders/big", 'x', record.Length).Data(record).File("after.txt", "after").End().ToArray();
    }

    /// <summary>PAX headers one after another, never an entry: a reader that loops on them never ends on an endless stream.</summary>
    public static byte[] EndlessPax(int count = 1000)
    {
        var tar = new RawTar();
        for (var i = 0; i < count; i++)
        {
            tar.Pax('x', ("path", "p" + i));
        }

        return tar.File("after.txt", "after").End().ToArray();
    }

    /// <summary>Global PAX headers, each under 1 MiB, whose distinct records pile up past it: global records are kept for the whole archive.</summary>
    public static byte[] PilingGlobalPax()
    {
        var tar = new RawTar();
        for (var i = 0; i < 3; i++)
        {
            tar.Pax('g', ("comment." + i, Encoding.ASCII.GetString(Filler(600 * 1024))));
            tar.File("file" + i, "x");
        }

        return tar.End().ToArray();
    }

    private static byte[] Filler(int size) => Enumerable.Repeat((byte)'a', size).ToArray();
}
