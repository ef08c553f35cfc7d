using System;
using System.Collections.Generic;
using System.IO;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Layers.Tar;

namespace OciImage.Core.Rewrite;

/// <summary>
/// Rewrites a tar as raw 512-byte blocks: each entry travels with the special headers before it (PAX 'x', GNU
/// long names 'L' and 'K'), and is either copied byte for byte, dropped whole (the entry, its special headers,
/// its content and padding), or copied with only its time fields changed (header mtime, GNU atime/ctime, PAX
/// mtime/atime/ctime records) and its checksum recomputed. Nothing is re-serialised that need not be: an entry
/// that no rule touches keeps its exact bytes (owner names, xattrs, devices, formats), and with no rules the
/// output is the input, so the DiffID is kept. Names are read through the module's one tar reader, so a name a
/// PAX or GNU header gives is the name the rules see, and every limit of that reader applies.
/// </summary>
internal sealed class TarRewriter
{
    private const int Block = 512;
    private readonly TarRules _rules;
    private readonly Func<string, Exception> _error;
    private long _globalBytes;

    public TarRewriter(TarRules rules, string what)
    {
        _rules = rules;
        _error = reason => new InvalidLayerException(what, reason);
    }

    /// <summary>Paths removed, in tar order ("/etc/secret").</summary>
    public List<string> Removed { get; } = new();

    /// <summary>Entries whose times were set.</summary>
    public int Retimed { get; private set; }

    /// <summary>Copies <paramref name="tar"/> to <paramref name="output"/> under the rules, to the end of the input.</summary>
    public void Rewrite(Stream tar, Stream output, System.Threading.CancellationToken cancellationToken)
    {
        var group = new List<byte[]>();
        var header = new byte[Block];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = ReadFully(tar, header, 0, Block);
            if (n == 0 && group.Count == 0)
            {
                return; // the input ends at an entry boundary (umoci writes no end blocks): as it was
            }

            if (n < Block)
            {
                throw _error("the tar ends in the middle of a header");
            }

            if (IsZero(header) && group.Count == 0)
            {
                // The end-of-archive blocks and whatever follows them are part of the DiffID: copied as they are.
                output.Write(header, 0, Block);
                tar.CopyTo(output, 1 << 16);
                return;
            }

            var flag = header[156];
            if (flag is TarTypeFlag.PaxLocal or TarTypeFlag.PaxGlobal or TarTypeFlag.GnuLongName or TarTypeFlag.GnuLongLink)
            {
                if (group.Count >= TarReader.MaxSpecialHeadersInARow)
                {
                    throw _error($"more than {TarReader.MaxSpecialHeadersInARow} extended headers precede one entry");
                }

                var special = ReadSpecial(tar, header);
                group.Add(special);
                if (flag == TarTypeFlag.PaxGlobal)
                {
                    RefuseGlobalNamesOrSizes(special);
                    _globalBytes += special.Length;
                    if (_globalBytes > TarReader.MaxSpecialSize)
                    {
                        throw _error($"its global PAX records add up to more than {TarReader.MaxSpecialSize} bytes");
                    }
                }

                continue;
            }

            var entry = Parse(group, header);
            var size = entry.Size;
            var path = "/" + LayerReader.Normalise(entry.Name).TrimStart('/');
            var remove = _rules.Removes(path, entry);
            var retime = !remove && _rules.Time is not null;
            foreach (var piece in group)
            {
                // A global header is no entry's own (it applies to every later one): it stays when its entry goes.
                var global = piece[156] == TarTypeFlag.PaxGlobal;
                if (!remove || global)
                {
                    var kept = _rules.Time is { } time && piece[156] is TarTypeFlag.PaxGlobal or TarTypeFlag.PaxLocal ? WithPaxTimes(piece, time) : piece;
                    output.Write(kept, 0, kept.Length);
                }
            }

            if (remove)
            {
                Removed.Add(path);
                Move(tar, null, size);
            }
            else
            {
                if (retime)
                {
                    var copy = (byte[])header.Clone();
                    TarTimes.SetHeaderTimes(copy, _rules.Time!.Value);
                    output.Write(copy, 0, Block);
                    Retimed++;
                }
                else
                {
                    output.Write(header, 0, Block);
                }

                Move(tar, output, size);
            }

            group.Clear();
        }
    }

    /// <summary>
    /// The entry as the module's tar reader sees it: this entry's special headers, then its header. Earlier global
    /// records are not replayed (a 1 MiB one replayed for every 512-byte entry made a small layer take hours): the
    /// only ones that could change a name, link or size are refused where they stand (<see cref="RefuseGlobalNamesOrSizes"/>).
    /// </summary>
    private TarHeader Parse(List<byte[]> group, byte[] header)
    {
        var all = new MemoryStream();
        foreach (var piece in group)
        {
            all.Write(piece, 0, piece.Length);
        }

        all.Write(header, 0, Block);
        all.Position = 0;
        using var reader = new TarReader(all, _error);
        return reader.Next() ?? throw _error("an entry header could not be read");
    }

    /// <summary>A global PAX header that sets a path, link path or size for every later entry, refused as the tar reader refuses it.</summary>
    private void RefuseGlobalNamesOrSizes(byte[] special)
    {
        var size = (int)TarFields.Number(special, 124, 12)!.Value;
        var data = new byte[size];
        Buffer.BlockCopy(special, Block, data, 0, size);
        var records = PaxRecords.Parse(data, size, out var problem) ?? throw _error(problem ?? "a global PAX header cannot be read");
        if (TarReader.GlobalRecordGoIgnores(records) is { } key)
        {
            throw _error($"a global PAX header sets '{key}' for every later entry, which Go's archive/tar (docker, containerd, podman) ignores: they would extract different files from this tar");
        }
    }

    /// <summary>A special header block with its data and padding, refused from its declared size as the reader does.</summary>
    private byte[] ReadSpecial(Stream tar, byte[] header)
    {
        var size = TarFields.Number(header, 124, 12);
        if (size is null or < 0 || size > TarReader.MaxSpecialSize)
        {
            throw _error($"an extended header declares a bad size ({size?.ToString() ?? "unreadable"}; at most {TarReader.MaxSpecialSize} bytes)");
        }

        var total = (int)(Block + size.Value + Padding(size.Value));
        var bytes = new byte[total];
        Buffer.BlockCopy(header, 0, bytes, 0, Block);
        if (ReadFully(tar, bytes, Block, total - Block) < total - Block)
        {
            throw _error("the tar ends in the middle of an extended header");
        }

        return bytes;
    }

    /// <summary>A PAX header (block and data) with its mtime, atime and ctime records set to <paramref name="time"/>.</summary>
    private byte[] WithPaxTimes(byte[] special, DateTimeOffset time)
    {
        var size = (int)TarFields.Number(special, 124, 12)!.Value;
        var data = TarTimes.SetPaxTimes(special, Block, size, time) ?? throw _error("a PAX header cannot be read");
        var result = new byte[Block + data.Length + Padding(data.Length)];
        Buffer.BlockCopy(special, 0, result, 0, Block);
        Buffer.BlockCopy(data, 0, result, Block, data.Length);
        TarTimes.SetSize(result, data.Length);
        TarTimes.SetHeaderTimes(result, time);
        return result;
    }

    private static long Padding(long size) => (Block - (size % Block)) % Block;

    /// <summary>
    /// An entry's content and padding, copied to <paramref name="output"/> or skipped when it is null. A last
    /// entry without its padding (umoci writes one) ends the input as the tar reader allows; a content cut short does not.
    /// </summary>
    private void Move(Stream tar, Stream? output, long size)
    {
        var buffer = new byte[(int)Math.Min(1 << 16, Math.Max(Block, size + Block))];
        var padding = Padding(size);
        var count = size + padding;
        while (count > 0)
        {
            var n = tar.Read(buffer, 0, (int)Math.Min(count, buffer.Length));
            if (n <= 0)
            {
                if (count == padding)
                {
                    return;
                }

                throw _error("the tar ends in the middle of an entry");
            }

            output?.Write(buffer, 0, n);
            count -= n;
        }
    }

    private static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
    {
        var total = 0;
        while (total < count)
        {
            var n = stream.Read(buffer, offset + total, count - total);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

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
}
