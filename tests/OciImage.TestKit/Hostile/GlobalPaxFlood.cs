namespace OciImage.TestKit;

/// <summary>
/// A global PAX header of almost 1 MiB (the most a reader takes) and then thousands of empty 512-byte entries:
/// a rewriter that replays the global records for every entry does a megabyte of work per 512 bytes of input,
/// so a 2 MB layer takes minutes and a 50 MB one hours.
/// </summary>
public static class GlobalPaxFlood
{
    public static byte[] Tar(int entries)
    {
        var tar = new RawTar().Pax('g', ("comment", new string('c', (1 << 20) - 2048)));
        for (var i = 0; i < entries; i++)
        {
            tar.Header("f" + i, '0');
        }

        return tar.End().ToArray();
    }
}
