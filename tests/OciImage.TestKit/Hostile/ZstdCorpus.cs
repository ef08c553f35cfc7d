using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// A differential corpus for zstd decoders: frames of every shape the format allows (windows from 1 KiB to
/// 2 GiB, a dictionary ID, with and without checksum and content size, raw and RLE blocks, empty frames,
/// skippable frames, many frames, a content size that lies), each also cut short at every offset and with seeded
/// bit flips. Two conforming decoders under the same bounds give the same bytes or the same error on each.
/// Frames named cli-* were written by the zstd 1.5.4 command line (options in the name) and are kept as bytes.
/// </summary>
public static class ZstdCorpus
{
    /// <summary>The text most frames carry (about 4 KB, compressible).</summary>
    public static byte[] Text()
    {
        var random = new Random(8);
        var text = new StringBuilder();
        while (text.Length < 4000)
        {
            text.Append("line ").Append(random.Next(50)).Append(" alpha\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The frames the mutations start from.</summary>
    public static IReadOnlyList<(string Name, byte[] Blob)> Bases() => new (string, byte[])[]
    {
        ("zstdsharp-level3-checksum", Frame(Text())),
        ("zstdsharp-level19-no-checksum", Frame(Text(), level: 19, checksum: false)),
        ("cli-long31-stdin", Convert.FromBase64String(
            "KLUv/QSohRAAAskVE7Al6Q0ymL0kQ7llkiklqTsBBwI+q3rx5l/6icfNG37sk9QPbVV/rFRNz4YctdHsnCTbueIgp3VdIXWn2eVR" +
            "YidjzlKu9A2/AjEQFIEBIKAYhCEQA0ERgSqoseLr3wFhBU0hCuENEawQ9Dye+xkNAvyFzw6RGOuZB1NNFTOCO4xWSB3zutnshTg2" +
            "OEptDINERO6jiyrGokEsc1JTggNScDpQBu+4Ec6MRVXYxhEGAJwcsTlJPYaFLT0lT+cUZ014Q+aFoh12yFih9vVrueOYLhX4hIzs" +
            "b5JQ3llDd8SkTy/UYrcSaYkVnNioywFUV98OztyjpuLkxJPGNH4zeQfNIW81MmaqupqN9HbohfjVPSgoTBNjE66rgSZGsLzlU+0k" +
            "nZGKrHSCmWmu+6Qx8qfXW1OIJggc/tVAaODudbOOkZXGUcdKzNjuhifdUFISH8s4O/EaE9tUlB2UqC8gwmtB/zgZ2zEAXJXaXgMQ" +
            "OfawGUbXhyYkMIBh06TiANo8CDwI8Bqj5/ZVAMKfDWhaPBN9zpAztlD3obMw7F8wZ0MIC6AiUsePNeBA4GRkU9kxwNeW5CWg9r/f" +
            "a04XLdPXJBuzELdos8CGOJjpkC7j9Mb+J3ZSK8pujcm0zHo1scRpxoAzIK14TfhkehSW9GJmh4SbDDABZFTuZlbdVXoA1qio2Z93" +
            "nrgPQFyNXGGmYj2qJyIhRQ==")),
        ("cli-dictionary", Convert.FromBase64String(
            "KLUv/WeokMtrNA+VGwDTCBSZn03/mvLpteRrenint7j6yYjMnYqd/3ztPDURcfcW0f8ONVcPtd0x3qMjbmpqajbsPO5TffVszGur" +
            "eNoSL/tcOWH0IcQIUR8jbiSQokKIAoEn/A30zaEIEf9YGIqwxPkiCLm+CGgAi6gD/VtoIoLYVFkJni/CjPRFyH99EYCJkyCzWX5Z" +
            "85H/ja7KF4GDf2sN/VsM0xdxhH0RzI4wQbBwKSsvEcdz7ab1rWqJ+BZT3wBIX0TBmQXgBDEclV0cugiEI0yCuK257HHoIhhjP2Dk" +
            "aBHVoEUg4SL+QBexheWLOP2+CCavRcCGLuJFZBFbI6J/w/BChPLui3g0fRGFvUUgg4T7BNk9ugi8lkW0n39LTC3CKfRv+gl8ER6p" +
            "L4KOyBcB5foiGgl8ERFGizj8OI7NAPhlzU5fhGwlgkx9a0pfhET3v/1k/9t21RfxdoRJEOkRftmr0CKKgy4CJ+WL8DRZxN7QRYC3" +
            "FtGNCPJNCOLbP8ZNxOr2RTSmb02+Ybt8Eb0QIkq+vfssgoPo30B7EWRm2MriapYlhG0aLMIaCoCDpImKaFh9EXKyL+KtZBEc9G9O" +
            "R1/E3ep/4+Z9EbnfF1GNZRH4cxH3KpogjLJ331Bof8MXQSaJIBr5It5di9Ab0RGkpPIQ1hOJKCX6ZdFP/9sTzER2gy7iQ/siWIm+" +
            "CDzS325EF7Gd9EVc43wRbFsWAbjfcWwGzWXxQBfht0STINEil/Wfi8iT80XYjixiAEgEVOgi2CLiHzv8RjT7ZYOx/63W64uAyRbx" +
            "OCI2jC7iNrUIThFBRF8QMqOYEEbQvgjR2yLg/7Hp28NdZctrXwTCEq9MgujPL0I99L85sQjGdzjCB4FHV9lk0RdR9gmTIHNeapoQ" +
            "1sQiiDAMYgwLEhPCCkEWIQa/eReSw0qWAd4vC1tEEPff/mxwTB9XhH73RZj8O02OKUIoOEGC6Ns40N+wQf/WQgvhSfObsqJvYtsi" +
            "zCEk9yBK/fbfnGOjRMCIyvYXKTiCaMwWCuI8iO7ui1DMvghrFUyCIFyEGOjbCf3bx+yL8Fkx1ySIVuyL0OTbybdl2iIAx7el/u5+" +
            "TNlXcOw/RoN8UzChoAdRxlcgjulNKAgambNoRYTONwOcCGl8MEfj0fhoZEfjVxyr+L/NQeA5wUmW7PNYu/c1RjimEQyF7gsnIiFF")),
        ("cli-no-check", Convert.FromBase64String(
            "KLUv/WA0D40QALKIFBLAJR3NLcv2/0ZumWRKiRWqnBs+q3rxNv/STzxu3vBjn6R+aKv6Y6VqejbkqI1m5yTZzhUHOa3rCqk7zS6P" +
            "EjsZc5ZypQ2/AEJQKIhhDAHCoAiBK6ix4utnUQVNISrhDREkBApBzuO5nwENGuxbnxsmMWYzBsSaUjcEfxhVoTomdjPaCzjmcYja" +
            "GCbpiMS7C1Sw5YPc81SjAAuxwjmBMxxwRrgYFmthhnMYCWA520Yl+rGFBfpCnlNTvJqAw5L3RHNslgEA3u9rOQcxbQr4CTWy2yRV" +
            "3rOGcsiVPkWoZff20dIVnLHRywH0rt4O1r5HreLgwJPGNP5meAebdw7TSseidd5su9vNC4ly9+BgmGYSS/CsBu9Dg/lmp86JckZa" +
            "sqYTMds89/TGhj8vb03UTJBzyIs/0IC715uKSRaalKZQEsLMMzjpQ1QJf5TG0cnWeNqmstqgRKeAFqsF6uHkzI4FEFVw9iVA89jB" +
            "ErCxPpqAGACYzSRFobTrMXBBwNagHtWhYRImrKPZYk38OUPO2ELvR87CsN/inA0hbIAKpBrP1oIFAZKNTYUXAVtbUhYRFV9+X3rS" +
            "agV4bdhAhFBDng22xJHBjpSybtXYX+ROSgXZnRhKi6wxGh9ONeY5C2NFZqI/Uz0BSRcfm7i8TQMvcEYK3HRQpiIHEBoQOnJhfSXO" +
            "40f8QifmnY2B1gdArgI=")),
        ("cli-level19", Convert.FromBase64String(
            "KLUv/WQ0Dz0NAGbSJROgJ+l2riP9v1iN7L2lTLa54mYMJQAdAB4ANFb0h+vIzQonF0ettUUH6xEn01fhY9E6SgQEBodCgBiEwEAo" +
            "BF8+oWwtFpwu4yyjO5xt+UZXZ8+T263ndFeL2m0NHVsvSet+NRuVddoUN+kG3zKl/PQjzmHRURm8tSce9O9bzD0kXS1Wjqr0riPb" +
            "kp3KLuZujkqPvhcllBuAsqggmO9noCgamSLbEkgQ2FQS/BW7zKcb+hjg9oTl94U9LRnFwOBme1JvdobFdh6YGhbZE2AAoUCfdjjM" +
            "CxMIY9xNPB6avK2VYYmGZkCD5OOUjQTl3/YksaOPmmF4tJOugjhJ3+pNWR1jfPXTuvAUIdrX4jRrp7JqZpYWmzypGh260HhmDZvA" +
            "AGtazd3qZCK2hwlaTQmH/UNqvMnu42DfUUUtrcXNNDfrTUGjqV1OIEmlfRoubOsHToacNQ9qn5yTojIW1yCQbuOu38FEMZVf943U" +
            "qn/AG2y8mVNzMDEO3L8kWGYOCH4CSp1pFWVumCa4oaRnsgmuEB3dFlxBgGbBMEjrALEc+hCkWwCgKSciIUU=")),
        ("cli-empty-input", Convert.FromBase64String("KLUv/SQAAQAAmenYUQ==")),
        ("empty-single-segment", Concat(Magic, new byte[] { 0x20, 0x00 }, Block(0, type: 0, last: true))),
        ("raw-then-rle", Concat(Magic, new byte[] { 0x00, 0x00 }, Block(5, 0, false), Encoding.ASCII.GetBytes("hello"), Block(100, 1, true), new byte[] { (byte)'x' })),
        ("content-size-lies-huge", Concat(Magic, new byte[] { 0xC0, 0x00 }, BitConverter.GetBytes(1UL << 62), Block(5, 0, true), Encoding.ASCII.GetBytes("hello"))),
        ("content-size-lies-small", Concat(Magic, new byte[] { 0x20, 0x02 }, Block(5, 0, true), Encoding.ASCII.GetBytes("hello"))),
        ("window-2gib-content-5", Concat(Magic, new byte[] { 0x80, (31 - 10) << 3 }, BitConverter.GetBytes(5u), Block(5, 0, true), Encoding.ASCII.GetBytes("hello"))),
        ("skippable-first-and-between", Concat(Skippable(4), Frame(Text()), Skippable(0), Frame(Encoding.ASCII.GetBytes("tail")))),
        ("many-empty-frames", Enumerable.Repeat(Convert.FromBase64String("KLUv/SQAAQAAmenYUQ=="), 200).SelectMany(frame => frame).ToArray()),
    };

    /// <summary>Every base, each base cut at every offset, and <paramref name="flipsPerBase"/> seeded single-bit flips of each.</summary>
    public static IEnumerable<(string Name, byte[] Blob)> All(int flipsPerBase = 150)
    {
        var random = new Random(33);
        foreach (var (name, blob) in Bases())
        {
            yield return (name, blob);
            for (var length = 0; length < blob.Length; length++)
            {
                yield return ($"{name} cut at {length}", blob.Take(length).ToArray());
            }

            for (var i = 0; i < flipsPerBase; i++)
            {
                var bit = random.Next(blob.Length * 8);
                var flipped = (byte[])blob.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                yield return ($"{name} bit {bit} flipped", flipped);
            }
        }
    }

    /// <summary>One frame by ZstdSharp's encoder.</summary>
    public static byte[] Frame(byte[] content, int level = 3, bool checksum = true)
    {
        using var compressor = new Compressor(level);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, checksum ? 1 : 0);
        return compressor.Wrap(content).ToArray();
    }

    private static readonly byte[] Magic = { 0x28, 0xB5, 0x2F, 0xFD };

    /// <summary>Block_Header: last-block bit, type (0 raw, 1 RLE), 21-bit size; little-endian.</summary>
    private static byte[] Block(int size, int type, bool last)
    {
        var value = (last ? 1 : 0) | (type << 1) | (size << 3);
        return new[] { (byte)value, (byte)(value >> 8), (byte)(value >> 16) };
    }

    private static byte[] Skippable(int size)
    {
        var frame = new byte[8 + size];
        BitConverter.GetBytes(0x184D2A53u).CopyTo(frame, 0);
        BitConverter.GetBytes((uint)size).CopyTo(frame, 4);
        return frame;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}
