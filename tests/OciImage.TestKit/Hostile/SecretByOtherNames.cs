using System.Text;

namespace OciImage.TestKit;

/// <summary>
/// Layers that keep a secret under names a naive strip misses: a PAX path record whose ustar name says something
/// else, a GNU long name, a hard link to the secret (the same bytes under another name), a whiteout of it in an
/// upper layer, a global PAX header before them all, and times in the PAX records as well as the headers. What a
/// strip of /etc/secret must take out whole, and what a re-time must reach.
/// </summary>
public static class SecretByOtherNames
{
    public const string Secret = "top-secret-value";

    /// <summary>/etc/secret named only in a PAX record (the ustar field says "decoy"), a hard link to it, a GNU long-named copy below /etc/secret.d, and a keeper.</summary>
    public static byte[] Lower()
    {
        var longName = "etc/secret/" + new string('d', 120) + "/key";
        var secret = Encoding.ASCII.GetBytes(Secret);
        return new RawTar()
            .Pax('g', ("comment", "built by hand"))
            .Header("etc/", '5', mtime: 1700000000, mode: 0x1ED)
            .Pax('x', ("path", "etc/secret/"), ("mtime", "1700000001.5"), ("atime", "1700000002"))
            .Header("decoy/", '5', mtime: 1700000001, mode: 0x1ED)
            .Pax('x', ("path", "etc/secret/value"), ("mtime", "1700000003"))
            .Header("decoy", '0', size: secret.Length, mtime: 1700000003).Data(secret)
            .Header("etc/alias", '1', link: "etc/secret/value", mtime: 1700000004)
            .LongName('L', longName)
            .Header("short", '0', size: secret.Length, mtime: 1700000005, format: "gnu").Data(secret)
            .File("etc/keep", "kept\n")
            .End()
            .ToArray();
    }

    /// <summary>An upper layer: a whiteout of /etc/secret (it points back at the secret's name) and a file that stays.</summary>
    public static byte[] Upper() => new RawTar()
        .Header("etc/.wh.secret", '0', mtime: 1700000006)
        .File("etc/hostname", "box\n")
        .End()
        .ToArray();
}
