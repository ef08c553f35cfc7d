using System.Linq;
using System.Text;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: reading one file of an image (Get-OciContent) reaching the host's files through a link, or
/// running forever in a link loop; and reading the wrong bytes of a path the layers above changed. One image of
/// two layers: links that climb out with '..' and absolute targets (whose names exist on every Linux host, with
/// other content there), a loop, a chain through a relative link, a hard link whose target a later layer
/// replaced, a whiteout, a rewritten file, a device, a file with every kind of line end, and every byte value.
/// </summary>
public static class ImageFileLinks
{
    /// <summary>The image's own /etc/passwd: a reader that left the image would read the host's instead.</summary>
    public const string ImagePasswd = "image-root:x:0:0:inside the image:/root:/bin/sh\n";

    public const string OsRelease = "NAME=\"Test Linux\"\nID=test\nVERSION_ID=1.0\n";

    /// <summary>"\r\n", "\r", "\n", an empty line and no end on the last: five lines.</summary>
    public const string MixedLineEnds = "one\r\ntwo\rthree\n\nfive";

    public static readonly byte[] EveryByte = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    /// <summary>Builds the image into <paramref name="layout"/> under <paramref name="tag"/>.</summary>
    public static void Compose(string layout, string tag)
    {
        var lower = new HostileTar()
            .Directory("etc/").Directory("usr/").Directory("usr/lib/")
            .File("usr/lib/os-release", OsRelease)
            .Symlink("etc/os-release", "../usr/lib/os-release")
            .File("etc/passwd", ImagePasswd)

            // Out of the root: an absolute target climbing past it, a relative one, and a chain of both.
            .Symlink("escape-absolute", "/../../etc/passwd")
            .Symlink("escape-relative", "../../../../../../../etc/passwd")
            .Symlink("escape-chain", "escape-hop/../../../etc/passwd")
            .Directory("escape-hop/")
            .Symlink("usr/lib/abs-passwd", "/../etc/passwd")

            // Names every host has and the image lacks: reaching them means the host was read.
            .Symlink("host-hostname", "/../../../etc/hostname")
            .Symlink("host-proc", "../../proc/self/environ")

            .Symlink("loop-a", "loop-b").Symlink("loop-b", "/loop-a")
            .Symlink("link1", "/link2").Symlink("link2", "etc/os-release")
            .File("gone.txt", "deleted above")
            .File("replaced.txt", "old bytes")
            .Directory("data/").File("data/h1", "the hard-linked bytes").HardLink("data/h2", "data/h1")
            .Device("dev-null")
            .File("lines.txt", MixedLineEnds)
            .File("every-byte.bin", EveryByte)
            .File("empty", string.Empty)
            .ToArray();
        var upper = new HostileTar()
            .Whiteout("gone.txt")
            .File("replaced.txt", "new bytes!")
            .File("data/h1", "replaced")
            .ToArray();
        TestImages.Compose(layout, tag, new[] { TestImages.AddTarLayer(layout, lower), TestImages.AddTarLayer(layout, upper) });
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
