using System;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;
using System.Text;

namespace OciImage.Isolation;

/// <summary>
/// Reads an assembly's module version id (MVID) straight from its file (ECMA-335 II.24-25: PE headers, CLI header,
/// metadata root, the #~ stream's Module row, the #GUID heap). It runs at every import on PowerShell 7 to choose the
/// engine's ReadyToRun copy; System.Reflection.Metadata did the same but loaded two assemblies and JIT-compiled
/// about 25 methods into each import (docs/PERFORMANCE.md, "Start-up"). A few small reads at known offsets; any
/// file it does not understand gives null (the caller then keeps the IL), never an exception.
/// </summary>
public static class ModuleVersionIdReader
{
    private const int DosHeaderSize = 64;
    private const int MaxSections = 96; // the PE format's own limit
    private const int MaxStreams = 16;  // ECMA-335 defines five; more is not an assembly we wrote

    public static Guid? Read(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
            return Read(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static Guid? Read(Stream file)
    {
        var length = file.Length;

        // DOS header -> PE header: signature, COFF header (20 bytes), optional header.
        if (ReadAt(file, length, 0, DosHeaderSize) is not { } dos || dos[0] != 'M' || dos[1] != 'Z')
        {
            return null;
        }

        long pe = BinaryPrimitives.ReadUInt32LittleEndian(dos.AsSpan(0x3C));
        if (ReadAt(file, length, pe, 24) is not { } coff || BinaryPrimitives.ReadUInt32LittleEndian(coff) != 0x00004550)
        {
            return null;
        }

        int sections = BinaryPrimitives.ReadUInt16LittleEndian(coff.AsSpan(6));
        int optionalSize = BinaryPrimitives.ReadUInt16LittleEndian(coff.AsSpan(20));
        if (sections > MaxSections || ReadAt(file, length, pe + 24, optionalSize) is not { } optional || optionalSize < 2)
        {
            return null;
        }

        // The CLI header is data directory 14; where the directories start depends on PE32 or PE32+.
        var directories = BinaryPrimitives.ReadUInt16LittleEndian(optional) switch { 0x10B => 96, 0x20B => 112, _ => -1 };
        if (directories < 0 || optionalSize < directories + (15 * 8) || BinaryPrimitives.ReadUInt32LittleEndian(optional.AsSpan(directories - 4)) < 15)
        {
            return null;
        }

        var cliRva = BinaryPrimitives.ReadUInt32LittleEndian(optional.AsSpan(directories + (14 * 8)));
        if (ReadAt(file, length, pe + 24 + optionalSize, sections * 40) is not { } sectionTable)
        {
            return null;
        }

        // CLI header -> metadata root.
        if (Offset(sectionTable, cliRva) is not { } cliAt || ReadAt(file, length, cliAt, 16) is not { } cli
            || Offset(sectionTable, BinaryPrimitives.ReadUInt32LittleEndian(cli.AsSpan(8))) is not { } rootAt)
        {
            return null;
        }

        var rootSize = BinaryPrimitives.ReadUInt32LittleEndian(cli.AsSpan(12));
        if (ReadAt(file, length, rootAt, 16) is not { } root || BinaryPrimitives.ReadUInt32LittleEndian(root) != 0x424A5342)
        {
            return null;
        }

        // After the version string (its length padded to 4): flags, stream count, then the stream headers.
        var versionLength = BinaryPrimitives.ReadUInt32LittleEndian(root.AsSpan(12));
        var headersAt = rootAt + 16 + versionLength;
        if (versionLength > 256 || ReadAt(file, length, headersAt, Math.Min(4 + (MaxStreams * 44), length - headersAt)) is not { } headers || headers.Length < 4)
        {
            return null;
        }

        int streams = BinaryPrimitives.ReadUInt16LittleEndian(headers.AsSpan(2));
        long tablesAt = -1, guidAt = -1, guidSize = 0;
        var position = 4;
        for (var i = 0; i < streams && i < MaxStreams; i++)
        {
            if (position + 8 > headers.Length)
            {
                return null;
            }

            var offset = BinaryPrimitives.ReadUInt32LittleEndian(headers.AsSpan(position));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(headers.AsSpan(position + 4));
            var nameEnd = Array.IndexOf(headers, (byte)0, position + 8);
            if (nameEnd < 0 || offset > rootSize || size > rootSize - offset)
            {
                return null;
            }

            var name = Encoding.ASCII.GetString(headers, position + 8, nameEnd - position - 8);
            if (name is "#~" or "#-")
            {
                tablesAt = rootAt + offset;
            }
            else if (name == "#GUID")
            {
                guidAt = rootAt + offset;
                guidSize = size;
            }

            position = (nameEnd + 4) & ~3; // the name and its terminator, padded to 4
        }

        if (tablesAt < 0 || guidAt < 0 || ReadAt(file, length, tablesAt, 24) is not { } tables)
        {
            return null;
        }

        // The Module table (number 0) comes first, after one row count per present table:
        // Generation (2 bytes), Name (a #Strings index), Mvid (a #GUID index, 1-based).
        var heapSizes = tables[6];
        var present = BinaryPrimitives.ReadUInt64LittleEndian(tables.AsSpan(8));
        if ((present & 1) == 0)
        {
            return null;
        }

        var rowCounts = 4 * BitOperations.PopCount(present);
        var stringIndex = (heapSizes & 0x01) != 0 ? 4 : 2;
        var guidIndexSize = (heapSizes & 0x02) != 0 ? 4 : 2;
        if (ReadAt(file, length, tablesAt + 24 + rowCounts + 2 + stringIndex, guidIndexSize) is not { } mvidIndexBytes)
        {
            return null;
        }

        long mvidIndex = guidIndexSize == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(mvidIndexBytes) : BinaryPrimitives.ReadUInt16LittleEndian(mvidIndexBytes);
        if (mvidIndex < 1 || mvidIndex * 16 > guidSize || ReadAt(file, length, guidAt + ((mvidIndex - 1) * 16), 16) is not { } guid)
        {
            return null;
        }

        return new Guid(guid);
    }

    /// <summary>The file offset of <paramref name="rva"/>, from the section that holds it.</summary>
    private static long? Offset(byte[] sectionTable, uint rva)
    {
        for (var at = 0; at + 40 <= sectionTable.Length; at += 40)
        {
            var virtualSize = BinaryPrimitives.ReadUInt32LittleEndian(sectionTable.AsSpan(at + 8));
            var virtualAddress = BinaryPrimitives.ReadUInt32LittleEndian(sectionTable.AsSpan(at + 12));
            var rawSize = BinaryPrimitives.ReadUInt32LittleEndian(sectionTable.AsSpan(at + 16));
            var rawAt = BinaryPrimitives.ReadUInt32LittleEndian(sectionTable.AsSpan(at + 20));
            if (rva >= virtualAddress && rva - virtualAddress < Math.Max(virtualSize, rawSize))
            {
                return (long)rawAt + (rva - virtualAddress);
            }
        }

        return null;
    }

    /// <summary><paramref name="count"/> bytes at <paramref name="offset"/>, or null when the file is shorter.</summary>
    private static byte[]? ReadAt(Stream file, long length, long offset, long count)
    {
        if (offset < 0 || count < 0 || offset > length || count > length - offset || count > 1 << 20)
        {
            return null;
        }

        var buffer = new byte[count];
        file.Position = offset;
        file.ReadExactly(buffer);
        return buffer;
    }
}
