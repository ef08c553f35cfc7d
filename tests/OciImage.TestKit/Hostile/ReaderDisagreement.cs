using System.Collections.Generic;
using System.Text;

namespace OciImage.TestKit;

/// <summary>
/// Tars whose entries read differently in POSIX readers (global PAX records apply to later entries, several
/// local PAX headers add up, a PAX path beats a GNU long name) and in Go's archive/tar, which docker,
/// containerd, podman and umoci extract with (global records ignored, only the last local PAX header counts,
/// a GNU long name beats a PAX path). Each hides /etc/secret from one kind of reader: a strip that looks with
/// the other reads "decoy" and keeps it. The last smuggles a whole header inside what one reader calls content.
/// </summary>
public static class ReaderDisagreement
{
    public const string Secret = "reader-disagreement-secret";

    private static byte[] SecretBytes => Encoding.ASCII.GetBytes(Secret);

    /// <summary>A PAX path "decoy" and a GNU long name "etc/secret" on one entry: Go extracts etc/secret.</summary>
    public static byte[] PaxPathAndGnuLongName() => new RawTar()
        .Header("etc/", '5', mode: 0x1ED)
        .Pax('x', ("path", "decoy"))
        .LongName('L', "etc/secret")
        .Header("short", '0', size: SecretBytes.Length, format: "gnu").Data(SecretBytes)
        .End().ToArray();

    /// <summary>A global PAX path "decoy" before an entry named etc/secret: Go ignores global records.</summary>
    public static byte[] GlobalPath() => new RawTar()
        .Header("etc/", '5', mode: 0x1ED)
        .Pax('g', ("path", "decoy"))
        .Header("etc/secret", '0', size: SecretBytes.Length).Data(SecretBytes)
        .End().ToArray();

    /// <summary>Two local PAX headers, the path in the first: Go keeps only the second, and reads etc/secret.</summary>
    public static byte[] PathInAnEarlierPaxHeader() => new RawTar()
        .Header("etc/", '5', mode: 0x1ED)
        .Pax('x', ("path", "decoy"))
        .Pax('x', ("mtime", "1700000000"))
        .Header("etc/secret", '0', size: SecretBytes.Length).Data(SecretBytes)
        .End().ToArray();

    /// <summary>
    /// A global PAX size of 1024 on an empty "decoy": a POSIX reader takes the next two blocks as decoy's content;
    /// Go reads them as a header and the secret, /etc/secret, which the POSIX reader never sees.
    /// </summary>
    public static byte[] GlobalSizeSmugglesAHeader() => new RawTar()
        .Header("etc/", '5', mode: 0x1ED)
        .Pax('g', ("size", "1024"))
        .Header("decoy", '0', size: 0)
        .Header("etc/secret", '0', size: SecretBytes.Length).Data(SecretBytes)
        .End().ToArray();

    /// <summary>Every tar above, by name.</summary>
    public static IEnumerable<(string Name, byte[] Tar)> All()
    {
        yield return (nameof(PaxPathAndGnuLongName), PaxPathAndGnuLongName());
        yield return (nameof(GlobalPath), GlobalPath());
        yield return (nameof(PathInAnEarlierPaxHeader), PathInAnEarlierPaxHeader());
        yield return (nameof(GlobalSizeSmugglesAHeader), GlobalSizeSmugglesAHeader());
    }
}
