using System.IO;
using System.Linq;
using OciImage.Core.Archives;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Unpacking an archive (oci-archive, docker-archive) into its work folder: no amplification, hostile headers refused.</summary>
public sealed class ArchiveUnpackTests
{
    /// <summary>
    /// One 4 MiB file and 300 hard links (and 20 symbolic links) to it: every name is the same file on disk, so
    /// reading the archive takes its own size in temp space, not 1.2 GB of copies.
    /// </summary>
    [Fact]
    public void LinksInAnArchiveBecomeHardLinksNotCopies()
    {
        using var temp = new TempDirectory();
        var tar = new HostileTar().File("blobs/sha256/big", 4 * 1024 * 1024);
        for (var i = 0; i < 300; i++)
        {
            tar.HardLink($"links/hard{i}", "blobs/sha256/big");
        }

        for (var i = 0; i < 20; i++)
        {
            tar.Symlink($"links/sym{i}", "../blobs/sha256/big");
        }

        var archive = temp.Combine("links.tar");
        File.WriteAllBytes(archive, tar.ToArray());
        var folder = temp.Combine("unpacked");
        TarFolder.Unpack(archive, folder);

        var names = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        Assert.Equal(321, names.Length);
        var files = names.Select(UnixFileStatus.Of).Select(s => (s!.FileSystem, s.Inode)).Distinct().ToList();
        Assert.Single(files); // one file on disk, 321 names
        Assert.Equal(4 * 1024 * 1024, new FileInfo(Path.Combine(folder, "links", "sym7")).Length);
    }

    [Fact]
    public void OversizeHeadersInAnArchiveAreInvalidArchive()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("bomb.tar");
        File.WriteAllBytes(archive, TarHeaderBombs.OversizeLongName());
        var error = Assert.Throws<InvalidArchiveException>(() => TarFolder.Unpack(archive, temp.Combine("unpacked")));
        Assert.Contains("more than the 1048576 allowed", error.Message, System.StringComparison.Ordinal);
    }
}
