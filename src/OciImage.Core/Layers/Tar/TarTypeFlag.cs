namespace OciImage.Core.Layers.Tar;

/// <summary>The tar type flags the reader knows (POSIX ustar, PAX and GNU).</summary>
internal static class TarTypeFlag
{
    public const byte Regular = (byte)'0';
    public const byte RegularOld = 0;
    public const byte HardLink = (byte)'1';
    public const byte Symlink = (byte)'2';
    public const byte CharacterDevice = (byte)'3';
    public const byte BlockDevice = (byte)'4';
    public const byte Directory = (byte)'5';
    public const byte Fifo = (byte)'6';
    public const byte Contiguous = (byte)'7';

    /// <summary>PAX records for the next entry.</summary>
    public const byte PaxLocal = (byte)'x';

    /// <summary>PAX records for every later entry.</summary>
    public const byte PaxGlobal = (byte)'g';

    /// <summary>GNU: the next entry's name.</summary>
    public const byte GnuLongName = (byte)'L';

    /// <summary>GNU: the next entry's link target.</summary>
    public const byte GnuLongLink = (byte)'K';

    /// <summary>GNU's old sparse file format.</summary>
    public const byte GnuSparse = (byte)'S';

    /// <summary>Types whose entries carry no content whatever their size field says (as Go's archive/tar reads them).</summary>
    public static bool IsHeaderOnly(byte flag) =>
        flag is HardLink or Symlink or CharacterDevice or BlockDevice or Directory or Fifo;
}
