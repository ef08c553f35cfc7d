using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace OciImage.Core.Layers.Tar;

/// <summary>
/// The records of a PAX extended header ("%d %s=%s\n", the length counting the whole record), kept as bytes
/// because xattr values are binary. Later records of a key replace earlier ones; an empty value is kept (it
/// deletes the key when merged, as POSIX says).
/// </summary>
internal sealed class PaxRecords
{
    private readonly Dictionary<string, byte[]> _records = new(StringComparer.Ordinal);

    public int Count => _records.Count;

    /// <summary>The bytes the records take, keys and values, for the reader's bounds.</summary>
    public long Bytes { get; private set; }

    public IEnumerable<KeyValuePair<string, byte[]>> All => _records;

    /// <summary>Parses a header's data; null with a reason in <paramref name="problem"/> when it is malformed.</summary>
    public static PaxRecords? Parse(byte[] data, int length, out string? problem)
    {
        var records = new PaxRecords();
        var at = 0;
        problem = null;
        while (at < length)
        {
            if (data[at] == 0)
            {
                // Some writers pad the data with NULs: nothing follows a NUL.
                for (var i = at; i < length; i++)
                {
                    if (data[i] != 0)
                    {
                        problem = "a PAX header has bytes after NUL padding";
                        return null;
                    }
                }

                break;
            }

            var space = Array.IndexOf(data, (byte)' ', at, Math.Min(length - at, 20));
            if (space <= at || !long.TryParse(Encoding.ASCII.GetString(data, at, space - at), NumberStyles.None, CultureInfo.InvariantCulture, out var recordLength)
                || recordLength <= space - at + 1 || recordLength > length - at)
            {
                problem = "a PAX record has a bad length";
                return null;
            }

            var end = at + (int)recordLength;
            if (data[end - 1] != (byte)'\n')
            {
                problem = "a PAX record does not end with a newline";
                return null;
            }

            var equals = Array.IndexOf(data, (byte)'=', space + 1, end - 1 - (space + 1));
            if (equals <= space + 1)
            {
                problem = "a PAX record has no key";
                return null;
            }

            var key = Encoding.UTF8.GetString(data, space + 1, equals - space - 1);
            var value = new byte[end - 1 - (equals + 1)];
            Buffer.BlockCopy(data, equals + 1, value, 0, value.Length);
            records.Set(key, value);
            at = end;
        }

        return records;
    }

    public bool TryGet(string key, out byte[] value) => _records.TryGetValue(key, out value!);

    public string? Text(string key) => _records.TryGetValue(key, out var value) ? Encoding.UTF8.GetString(value) : null;

    /// <summary>Applies <paramref name="later"/> over these records: its values replace, its empty values delete.</summary>
    public void MergeFrom(PaxRecords later)
    {
        foreach (var pair in later._records)
        {
            if (pair.Value.Length == 0)
            {
                Remove(pair.Key);
            }
            else
            {
                Set(pair.Key, pair.Value);
            }
        }
    }

    /// <summary>Lays <paramref name="later"/> over these records, empty values kept (they delete a global record when combined).</summary>
    public void OverlayFrom(PaxRecords later)
    {
        foreach (var pair in later._records)
        {
            Set(pair.Key, pair.Value);
        }
    }

    /// <summary>A copy of global records with <paramref name="local"/> applied over them.</summary>
    public static PaxRecords Combine(PaxRecords global, PaxRecords? local)
    {
        var result = new PaxRecords();
        result.MergeFrom(global);
        if (local is not null)
        {
            result.MergeFrom(local);
        }

        return result;
    }

    private void Set(string key, byte[] value)
    {
        Remove(key);
        _records[key] = value;
        Bytes += key.Length + value.Length;
    }

    private void Remove(string key)
    {
        if (_records.TryGetValue(key, out var old))
        {
            Bytes -= key.Length + old.Length;
            _records.Remove(key);
        }
    }
}
