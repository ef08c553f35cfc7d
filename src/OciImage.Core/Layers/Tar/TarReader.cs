using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace OciImage.Core.Layers.Tar;

/// <summary>
/// The module's one tar reader, streaming: ustar, GNU and PAX headers (global 'g' records apply to every later
/// entry, local 'x' ones to the next and override them), GNU long names and long link names in any order and
/// chain, base-256 numbers, checksums, end of archive. Special headers are refused from their declared size
/// before a byte of them is read (<see cref="MaxSpecialSize"/>, Go's archive/tar limit), so nothing unbounded is
/// ever buffered; sparse files are refused by name. Every malformed or truncated input becomes the exception
/// the caller's factory makes (InvalidLayer, InvalidArchive), never a raw .NET one.
/// </summary>
internal sealed class TarReader : IDisposable
{
    /// <summary>The largest PAX header, GNU long name or long link name accepted (1 MiB, as Go's archive/tar).</summary>
    public const int MaxSpecialSize = 1 << 20;

    /// <summary>Special headers (x, g, L, K) that may precede one entry; real writers use at most four.</summary>
    public const int MaxSpecialHeadersInARow = 64;

    private const int BlockSize = 512;
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly Stream _input;
    private readonly Func<string, Exception> _error;
    private readonly bool _leaveOpen;
    private readonly byte[] _block = new byte[BlockSize];
    private readonly byte[] _skip = new byte[1 << 16];
    private readonly PaxRecords _global = new();
    private long _position;
    private long _remaining;
    private long _padding;
    private int _generation;
    private bool _ended;

    /// <param name="input">The uncompressed tar.</param>
    /// <param name="error">Makes the exception for a malformed tar from a reason ("the tar ends in the middle of 'x'").</param>
    /// <param name="leaveOpen">Whether disposing leaves <paramref name="input"/> open.</param>
    public TarReader(Stream input, Func<string, Exception> error, bool leaveOpen = false)
    {
        _input = input;
        _error = error;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The entry <see cref="Next"/> returned last.</summary>
    public TarHeader? Current { get; private set; }

    /// <summary>The bytes read from the tar so far.</summary>
    public long Position => _position;

    /// <summary>The current entry's content (empty for header-only types); valid until the next call of <see cref="Next"/>.</summary>
    public Stream Content => new EntryStream(this, _generation);

    /// <summary>The next entry (the rest of the current one is skipped), or null at the end of the archive.</summary>
    public TarHeader? Next()
    {
        Current = null;
        _generation++;
        if (_ended)
        {
            return null;
        }

        Skip(_remaining);
        _remaining = 0;
        if (_padding > 0 && ReadFully(_skip, 0, (int)_padding) is var padded && padded < _padding)
        {
            if (padded > 0)
            {
                throw Fail($"the tar ends in the padding of an entry, at byte {_position}");
            }

            // umoci writes its last entry without padding or end blocks; Go reads that as the end, and so does this.
            return End();
        }

        _padding = 0;

        PaxRecords? local = null;
        PaxRecords? lastLocal = null;
        string? longName = null;
        string? longLink = null;
        var format = TarFormat.V7;
        for (var special = 0; ; special++)
        {
            if (special > MaxSpecialHeadersInARow)
            {
                throw Fail($"more than {MaxSpecialHeadersInARow} extended headers (PAX or GNU long names) precede one entry, at byte {_position}");
            }

            if (!ReadHeaderBlock())
            {
                return End();
            }

            var flag = _block[156];
            var size = TarFields.Number(_block, 124, 12);
            if (size is null or < 0)
            {
                throw Fail($"the header at byte {_position - BlockSize} has a bad size field");
            }

            switch (flag)
            {
                case TarTypeFlag.PaxLocal:
                case TarTypeFlag.PaxGlobal:
                    var records = ReadPax(size.Value);
                    format |= TarFormat.Pax;
                    if (flag == TarTypeFlag.PaxGlobal)
                    {
                        if (GlobalRecordGoIgnores(records) is { } key)
                        {
                            throw Fail($"a global PAX header sets '{key}' for every later entry, which Go's archive/tar (docker, containerd, podman) ignores: they would extract different files from this tar, at byte {_position}");
                        }

                        _global.MergeFrom(records);
                        if (_global.Bytes > MaxSpecialSize)
                        {
                            throw Fail($"its global PAX records add up to more than {MaxSpecialSize} bytes");
                        }
                    }
                    else
                    {
                        local ??= new PaxRecords();
                        local.OverlayFrom(records);
                        lastLocal = records;
                        if (local.Bytes > MaxSpecialSize)
                        {
                            throw Fail($"its PAX records for one entry add up to more than {MaxSpecialSize} bytes");
                        }
                    }

                    continue;
                case TarTypeFlag.GnuLongName:
                    longName = ReadLongName(size.Value, "GNU long name");
                    format |= TarFormat.Gnu;
                    continue;
                case TarTypeFlag.GnuLongLink:
                    longLink = ReadLongName(size.Value, "GNU long link name");
                    format |= TarFormat.Gnu;
                    continue;
                case TarTypeFlag.GnuSparse:
                    throw Fail($"the entry '{TarFields.String(_block, 0, 100)}' is a GNU sparse file, which is not supported");
            }

            var header = ParseHeader(size.Value, format);
            var asGo = AsGoReadsIt(header, lastLocal, longName, longLink);
            if (longName is not null)
            {
                header.Name = longName;
            }

            if (longLink is not null)
            {
                header.LinkName = longLink;
            }

            ApplyPax(header, PaxRecords.Combine(_global, local));
            RefuseDisagreement(header, asGo);
            if (TarTypeFlag.IsHeaderOnly(header.TypeFlag))
            {
                header.Size = 0;
            }

            _remaining = header.Size;
            _padding = Padding(header.Size);
            Current = header;
            return header;
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _input.Dispose();
        }
    }

    private static long Padding(long size) => (BlockSize - (size % BlockSize)) % BlockSize;

    private TarHeader? End()
    {
        _ended = true;
        return null;
    }

    /// <summary>
    /// A global record that would change which file an entry is or how long it is (path, linkpath, size): Go's
    /// archive/tar ignores global records, so no tar that runtimes extract may rely on one. Null when there is none.
    /// </summary>
    public static string? GlobalRecordGoIgnores(PaxRecords records)
    {
        foreach (var key in new[] { "path", "linkpath", "size" })
        {
            if (records.TryGet(key, out var value) && value.Length > 0)
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>
    /// The name, link name and size Go's archive/tar gives an entry (docker, containerd, podman and umoci extract
    /// with it): global PAX records ignored, only the last local PAX header, and a GNU long name over a PAX path.
    /// </summary>
    private (string Name, string LinkName, long Size) AsGoReadsIt(TarHeader header, PaxRecords? lastLocal, string? longName, string? longLink)
    {
        var name = lastLocal?.Text("path") ?? header.Name;
        var link = lastLocal?.Text("linkpath") ?? header.LinkName;
        var size = lastLocal?.Text("size") is { } text ? PaxNumber(text, "size", name) : header.Size;
        return (string.IsNullOrEmpty(longName) ? name : longName!, string.IsNullOrEmpty(longLink) ? link : longLink!, size);
    }

    /// <summary>
    /// An entry that reads as another name, link or length in Go than here is refused: whatever this module decided
    /// about it (a strip, a scan, a diff) would be about a file the container runtime never sees, or miss one it does.
    /// </summary>
    private void RefuseDisagreement(TarHeader header, (string Name, string LinkName, long Size) asGo)
    {
        string? field = !string.Equals(header.Name, asGo.Name, StringComparison.Ordinal) ? $"name ('{header.Name}' here, '{asGo.Name}' in Go)"
            : !string.Equals(header.LinkName, asGo.LinkName, StringComparison.Ordinal) ? $"link name ('{header.LinkName}' here, '{asGo.LinkName}' in Go)"
            : header.Size != asGo.Size && !TarTypeFlag.IsHeaderOnly(header.TypeFlag) ? $"size ({header.Size} bytes here, {asGo.Size} in Go)"
            : null;
        if (field is not null)
        {
            throw Fail($"the entry before byte {_position} has a {field}: POSIX readers and Go's archive/tar (docker, containerd, podman) would extract different files from this tar");
        }
    }

    private Exception Fail(string reason) => _error(reason);

    /// <summary>Reads a header block, checked; false at the end of the archive (two zero blocks, or the input's end at a block boundary).</summary>
    private bool ReadHeaderBlock()
    {
        var n = ReadFully(_block, 0, BlockSize);
        if (n == 0)
        {
            return false;
        }

        if (n < BlockSize)
        {
            throw Fail($"the tar ends in the middle of a header, at byte {_position}");
        }

        if (IsZero(_block))
        {
            // One zero block must be followed by a second (or by the end of the input), as Go reads it.
            n = ReadFully(_block, 0, BlockSize);
            if (n == 0 || (n == BlockSize && IsZero(_block)))
            {
                return false;
            }

            throw Fail($"a zero block is followed by data at byte {_position - n}, not by the end of the archive");
        }

        var stored = TarFields.Number(_block, 148, 8);
        long unsigned = 0, signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i >= 148 && i < 156 ? (byte)' ' : _block[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        if (stored is null || (stored != unsigned && stored != signed))
        {
            throw Fail($"the header at byte {_position - BlockSize} has a bad checksum (it is not a tar, or it is damaged)");
        }

        return true;
    }

    private TarHeader ParseHeader(long size, TarFormat format)
    {
        var magic = Encoding.ASCII.GetString(_block, 257, 8);
        var prefixLength = 0;
        // Go's reader takes "ustar\0" with any version as ustar, and so must we: SharpZipLib (our writer) puts " \0" there.
        if (magic.StartsWith("ustar\0", StringComparison.Ordinal))
        {
            format |= TarFormat.Ustar;
            prefixLength = 155;
            if (_block[508] == (byte)'t' && _block[509] == (byte)'a' && _block[510] == (byte)'r' && _block[511] == 0)
            {
                format |= TarFormat.Star;
                prefixLength = 131; // star keeps its atime and ctime after a shorter prefix
            }
        }
        else if (magic == "ustar  \0")
        {
            format |= TarFormat.Gnu; // the prefix field holds GNU's atime, ctime and sparse map instead
        }

        var header = new TarHeader { Format = format, Size = size };
        header.Name = TarFields.String(_block, 0, 100);
        if (prefixLength > 0 && _block[345] != 0)
        {
            header.Name = TarFields.String(_block, 345, prefixLength) + "/" + header.Name;
        }

        header.TypeFlag = _block[156];
        if (header.TypeFlag == TarTypeFlag.RegularOld)
        {
            // V7 marked directories only by a trailing slash.
            header.TypeFlag = header.Name.EndsWith("/", StringComparison.Ordinal) ? TarTypeFlag.Directory : TarTypeFlag.Regular;
        }

        header.LinkName = TarFields.String(_block, 157, 100);
        header.Mode = Field(100, 8, "mode", header.Name);
        header.UserId = Field(108, 8, "uid", header.Name);
        header.GroupId = Field(116, 8, "gid", header.Name);
        header.ModTime = FromUnix(Field(136, 12, "mtime", header.Name), 0);
        if ((format & (TarFormat.Ustar | TarFormat.Gnu)) != 0)
        {
            header.UserName = TarFields.String(_block, 265, 32);
            header.GroupName = TarFields.String(_block, 297, 32);
            if (header.TypeFlag is TarTypeFlag.CharacterDevice or TarTypeFlag.BlockDevice)
            {
                header.DevMajor = Field(329, 8, "devmajor", header.Name);
                header.DevMinor = Field(337, 8, "devminor", header.Name);
            }
        }

        return header;
    }

    private long Field(int offset, int length, string field, string name) =>
        TarFields.Number(_block, offset, length) ?? throw Fail($"the header of '{name}' has a bad {field} field");

    private void ApplyPax(TarHeader header, PaxRecords records)
    {
        if (records.Count == 0)
        {
            return;
        }

        Dictionary<string, byte[]>? xattrs = null;
        foreach (var pair in records.All)
        {
            var key = pair.Key;
            switch (key)
            {
                case "path":
                    header.Name = NoNul(records.Text(key)!, key, header.Name);
                    break;
                case "linkpath":
                    header.LinkName = NoNul(records.Text(key)!, key, header.Name);
                    break;
                case "uname":
                    header.UserName = NoNul(records.Text(key)!, key, header.Name);
                    break;
                case "gname":
                    header.GroupName = NoNul(records.Text(key)!, key, header.Name);
                    break;
                case "uid":
                    header.UserId = PaxNumber(records.Text(key)!, key, header.Name);
                    break;
                case "gid":
                    header.GroupId = PaxNumber(records.Text(key)!, key, header.Name);
                    break;
                case "size":
                    header.Size = PaxNumber(records.Text(key)!, key, header.Name);
                    break;
                case "mtime":
                    header.ModTime = PaxTime(records.Text(key)!, header.Name);
                    break;
                default:
                    if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
                    {
                        throw Fail($"the entry '{header.Name}' is a GNU sparse file (PAX {key}), which is not supported");
                    }

                    if (key.StartsWith(Xattr.Schily, StringComparison.Ordinal) || key.StartsWith(Xattr.Libarchive, StringComparison.Ordinal))
                    {
                        xattrs ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                        Xattr.Add(xattrs, key, pair.Value);
                    }

                    break;
            }
        }

        if (xattrs is not null)
        {
            header.Xattrs = xattrs;
        }
    }

    private string NoNul(string value, string key, string name) =>
        value.IndexOf('\0') < 0 ? value : throw Fail($"the PAX {key} record of '{name}' holds a NUL");

    private long PaxNumber(string value, string key, string name) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Fail($"the PAX {key} record of '{name}' is not a number ('{Shorten(value)}')");

    /// <summary>"[-]seconds[.fraction]": the fraction is kept to the 100 ns a DateTime holds.</summary>
    private DateTime PaxTime(string value, string name)
    {
        var dot = value.IndexOf('.');
        var whole = dot < 0 ? value : value.Substring(0, dot);
        var fraction = dot < 0 ? string.Empty : value.Substring(dot + 1);
        var negative = whole.StartsWith("-", StringComparison.Ordinal);
        if (!long.TryParse(negative ? whole.Substring(1) : whole, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (dot >= 0 && (fraction.Length == 0 || !AllDigits(fraction))))
        {
            throw Fail($"the PAX mtime record of '{name}' is not a time ('{Shorten(value)}')");
        }

        var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0').Substring(0, 7), CultureInfo.InvariantCulture);
        return negative ? FromUnix(-seconds, -ticks) : FromUnix(seconds, ticks);
    }

    /// <summary>Seconds since 1970 as UTC, clamped to what a DateTime can hold (a hostile header may say anything).</summary>
    private static DateTime FromUnix(long seconds, long extraTicks)
    {
        const long maxSeconds = 253402300799L - 62135596800L; // 9999-12-31T23:59:59 - 0001-01-01, from the epoch
        const long minSeconds = -62135596800L;
        if (seconds >= maxSeconds)
        {
            return DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);
        }

        if (seconds <= minSeconds)
        {
            return DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
        }

        return Epoch.AddTicks(seconds * TimeSpan.TicksPerSecond + extraTicks);
    }

    private static bool AllDigits(string text)
    {
        foreach (var c in text)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string value) => value.Length > 40 ? value.Substring(0, 40) + "…" : value;

    private PaxRecords ReadPax(long size)
    {
        var data = ReadSpecial(size, "PAX header");
        return PaxRecords.Parse(data, data.Length, out var problem) ?? throw Fail($"{problem}, at byte {_position - size - Padding(size)}");
    }

    private string ReadLongName(long size, string what)
    {
        var data = ReadSpecial(size, what);
        var end = Array.IndexOf(data, (byte)0);
        return Encoding.UTF8.GetString(data, 0, end < 0 ? data.Length : end);
    }

    /// <summary>A special header's data, refused from its declared size before it is read.</summary>
    private byte[] ReadSpecial(long size, string what)
    {
        if (size > MaxSpecialSize)
        {
            throw Fail($"a {what} at byte {_position - BlockSize} declares {size} bytes, more than the {MaxSpecialSize} allowed");
        }

        var data = new byte[size];
        if (ReadFully(data, 0, (int)size) < size)
        {
            throw Fail($"the tar ends in the middle of a {what}, at byte {_position}");
        }

        Skip(Padding(size));
        return data;
    }

    private void Skip(long count)
    {
        while (count > 0)
        {
            var n = _input.Read(_skip, 0, (int)Math.Min(count, _skip.Length));
            if (n <= 0)
            {
                throw Fail(Current is { } entry
                    ? $"the tar ends in the middle of the entry '{entry.Name}', at byte {_position}"
                    : $"the tar ends in the middle of an entry, at byte {_position}");
            }

            _position += n;
            count -= n;
        }
    }

    private int ReadFully(byte[] buffer, int offset, int count)
    {
        var total = 0;
        while (total < count)
        {
            var n = _input.Read(buffer, offset + total, count - total);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        _position += total;
        return total;
    }

    private static bool IsZero(byte[] block)
    {
        foreach (var b in block)
        {
            if (b != 0)
            {
                return false;
            }
        }

        return true;
    }

    private int ReadContent(int generation, byte[] buffer, int offset, int count)
    {
        if (generation != _generation || _remaining == 0 || count == 0)
        {
            return 0;
        }

        var n = _input.Read(buffer, offset, (int)Math.Min(count, _remaining));
        if (n <= 0)
        {
            throw Fail($"the tar ends in the middle of the entry '{Current?.Name}', at byte {_position}");
        }

        _position += n;
        _remaining -= n;
        return n;
    }

    /// <summary>The current entry's content: reads stop at its size; a stale stream (after Next) reads nothing.</summary>
    private sealed class EntryStream : IO.ReadOnlyStream
    {
        private readonly TarReader _reader;
        private readonly int _generation;

        public EntryStream(TarReader reader, int generation)
        {
            _reader = reader;
            _generation = generation;
        }

        public override int Read(byte[] buffer, int offset, int count) => _reader.ReadContent(_generation, buffer, offset, count);
    }
}
