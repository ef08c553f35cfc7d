using System.IO;
using System.Threading;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Hard links expand as tar and container storage expand them: one file under two names (so a later write
/// through one name is seen through the other, as in the container), a hard link to a symbolic link is that link
/// under a second name, and such a link is judged from its new place: a relative target that stayed inside
/// where it was made may lead out from there.
/// </summary>
public sealed class HardLinkExpansionTests
{
    [ToolFact("stat")]
    public void AHardLinkIsOneFileUnderTwoNamesUntilALaterLayerReplacesOne()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("root");
        Expand(root, new HostileTar().File("a/f", "one").HardLink("b", "a/f").ToArray());
        Assert.Equal(Inode(Path.Combine(root, "a", "f")), Inode(Path.Combine(root, "b")));

        // A later layer replaces a/f: b keeps the old bytes, a file of its own.
        Expand(root, new HostileTar().File("a/f", "two").ToArray());
        Assert.NotEqual(Inode(Path.Combine(root, "a", "f")), Inode(Path.Combine(root, "b")));
        Assert.Equal("one", File.ReadAllText(Path.Combine(root, "b")));
    }

    [ToolFact("stat")]
    public void AHardLinkToASymbolicLinkIsThatLinkUnderASecondName()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("root");
        Expand(root, new HostileTar().File("x/t", "t").Symlink("x/y/s", "../t").HardLink("x/y/h", "x/y/s").ToArray());
        Assert.Equal("../t", new FileInfo(Path.Combine(root, "x", "y", "h")).LinkTarget);
        Assert.Equal(Inode(Path.Combine(root, "x", "y", "s")), Inode(Path.Combine(root, "x", "y", "h")));
    }

    [Fact]
    public void AHardLinkCannotCarryARelativeSymbolicLinkOutOfTheRoot()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("root");

        // x/y/s -> ../../t is inside (it names root/t); the same link as "h" at the top would name ../../t outside.
        var tar = new HostileTar().Symlink("x/y/s", "../../t").HardLink("h", "x/y/s").ToArray();
        var error = Assert.Throws<UnsafeLayerEntryException>(() => Expand(root, tar));
        Assert.Contains("leads out of the image", error.Message, System.StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "h")) || UnixFileSystem.GetLinkTarget(new FileInfo(Path.Combine(root, "h"))) is not null);
    }

    private static void Expand(string root, byte[] tar)
    {
        Directory.CreateDirectory(root);
        var extractor = new LayerExtractor(root, 1L << 30, NullEngineLog.Instance);
        using var reader = new LayerReader(new MemoryStream(tar), "layer", System.Threading.CancellationToken.None);
        extractor.Apply(reader, CancellationToken.None);
        extractor.Finish();
    }

    private static string Inode(string path) => ExternalTool.Run("stat", "-c", "%i", path).Trim();
}
