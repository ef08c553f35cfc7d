using System.IO;
using System.Linq;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Get-OciContent (one file out of an image, as Get-Content gives a file) and Get-OciLayerItem -Path, on the test
/// kit's <see cref="ImageFileLinks"/> image: text, -Raw, -AsByteStream, -Destination; links resolved inside the
/// image whatever they aim at; whiteouts, later layers and hard links as the merged file system has them.
/// </summary>
public sealed class ContentTests : System.IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _image;
    private readonly PowerShellHost _host = new();

    public ContentTests()
    {
        var layout = _temp.Combine("layout");
        ImageFileLinks.Compose(layout, "links");
        _image = $"oci:{layout}:links";
    }

    public void Dispose()
    {
        _host.Dispose();
        _temp.Dispose();
    }

    private string[] Lines(string script) => _host.RunClean(script).Select(o => (string)o.BaseObject).ToArray();

    private string[] ErrorIds(string script)
    {
        var result = _host.Run(script);
        Assert.Empty(result.Output);
        return result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray();
    }

    [Fact]
    public void LinesFollowTheFilesLineEndsAsGetContentGivesThem()
    {
        Assert.Equal(new[] { "one", "two", "three", string.Empty, "five" }, Lines($"Get-OciContent '{_image}' /lines.txt"));

        // Through a relative link (/etc/os-release -> ../usr/lib/os-release), and a chain of an absolute link to it, with and without the leading '/'.
        var osRelease = ImageFileLinks.OsRelease.TrimEnd('\n').Split('\n');
        Assert.Equal(osRelease, Lines($"Get-OciContent '{_image}' /etc/os-release"));
        Assert.Equal(osRelease, Lines($"Get-OciContent -Reference '{_image}' -Path link1"));
    }

    [Fact]
    public void RawIsOneStringWithItsLineEnds()
    {
        var output = _host.RunClean($"Get-OciContent '{_image}' /lines.txt -Raw");
        Assert.Equal(ImageFileLinks.MixedLineEnds, Assert.Single(output).BaseObject);
    }

    [Fact]
    public void AsByteStreamIsOneByteArray()
    {
        var output = _host.RunClean($"Get-OciContent '{_image}' /every-byte.bin -AsByteStream");
        Assert.Equal(ImageFileLinks.EveryByte, Assert.IsType<byte[]>(Assert.Single(output).BaseObject));

        // An empty file writes nothing, as Get-Content -AsByteStream -Raw and -Raw do.
        Assert.Empty(_host.RunClean($"Get-OciContent '{_image}' /empty -AsByteStream; Get-OciContent '{_image}' /empty -Raw; Get-OciContent '{_image}' /empty"));
    }

    [Fact]
    public void DestinationWritesTheVerifiedFileAndReturnsIt()
    {
        var folder = _temp.Combine("out");
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, "every-byte.bin");
        var written = _host.RunClean($"Get-OciContent '{_image}' /every-byte.bin -Destination '{target}' | ForEach-Object {{ $_.GetType().Name + ' ' + $_.Length }}");
        Assert.Equal("FileInfo 256", Assert.Single(written).ToString());
        Assert.Equal(ImageFileLinks.EveryByte, File.ReadAllBytes(target));

        // An existing file needs -Force; a folder is refused; nothing else is left beside the file.
        Assert.Equal(new[] { "FileSystemError" }, ErrorIds($"Get-OciContent '{_image}' /replaced.txt -Destination '{target}'"));
        Assert.Equal(ImageFileLinks.EveryByte, File.ReadAllBytes(target));
        _host.RunClean($"$null = Get-OciContent '{_image}' /replaced.txt -Destination '{target}' -Force");
        Assert.Equal("new bytes!", File.ReadAllText(target));
        Assert.Equal(new[] { "PathIsDirectory" }, ErrorIds($"Get-OciContent '{_image}' /replaced.txt -Destination '{folder}'"));
        Assert.Equal(new[] { target }, Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void LinksOutOfTheRootResolveInsideTheImageAndNeverReachTheHost()
    {
        // /../../etc/passwd and friends are the image's /etc/passwd, as inside a container (an absolute target starts at the image's root, wherever the link is).
        foreach (var link in new[] { "/escape-absolute", "/escape-relative", "/escape-chain", "/usr/lib/abs-passwd" })
        {
            Assert.Equal(ImageFileLinks.ImagePasswd, Assert.Single(_host.RunClean($"Get-OciContent '{_image}' {link} -Raw")).BaseObject);
        }

        // Names every host has and the image lacks: not found, never the host's file.
        Assert.True(File.Exists("/etc/hostname") || File.Exists("/proc/self/environ"));
        Assert.Equal(new[] { "PathNotFound", "PathNotFound" }, ErrorIds($"Get-OciContent '{_image}' /host-hostname -Raw; Get-OciContent '{_image}' /host-proc -Raw"));
    }

    [Fact]
    public void ALinkLoopIsInvalidPathAndThePipelineGoesOn()
    {
        var result = _host.Run($"'/loop-a', '/replaced.txt' | ForEach-Object {{ Get-OciContent '{_image}' $_ }}");
        Assert.Equal(new[] { "InvalidPath" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains("40 symbolic links", result.Errors[0].ToString());
        Assert.Equal(new[] { "new bytes!" }, result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void TheMergedFileSystemDecidesWhatAPathHolds()
    {
        // A later layer's bytes; a hard link keeps the bytes its target had when a later layer replaced the target.
        Assert.Equal(new[] { "new bytes!" }, Lines($"Get-OciContent '{_image}' /replaced.txt"));
        Assert.Equal(new[] { "replaced" }, Lines($"Get-OciContent '{_image}' /data/h1"));
        Assert.Equal(new[] { "the hard-linked bytes" }, Lines($"Get-OciContent '{_image}' /data/h2"));

        // Deleted by a whiteout, never there, a file used as a directory, a directory, a device.
        Assert.Equal(new[] { "PathNotFound", "PathNotFound", "PathNotFound", "PathIsDirectory", "PathIsDirectory", "InvalidPath" },
            ErrorIds(string.Join("; ", new[] { "/gone.txt", "/nothing", "/etc/passwd/x", "/etc", "/", "/dev-null" }.Select(p => $"Get-OciContent '{_image}' '{p}'"))));
    }

    [Fact]
    public void MergedItemsPipeIntoGetOciContent()
    {
        var osRelease = ImageFileLinks.OsRelease.TrimEnd('\n').Split('\n');
        Assert.Equal(osRelease, Lines($"Get-OciLayerItem -Merged -Reference '{_image}' -Path /etc/os-release | Get-OciContent"));
    }

    [Fact]
    public void LayerItemPathFiltersEveryParameterSetCaseSensitively()
    {
        string Paths(string script) => string.Join(" ", _host.RunClean(script).Select(o => o.Properties["Path"].Value));

        Assert.Equal("/data/h1 /data/h2", Paths($"Get-OciLayerItem -Merged -Reference '{_image}' -Path '/data/*'"));
        Assert.Equal("/data/h1", Paths($"Get-OciLayerItem -Reference '{_image}' -Layer 1 -Path 'data/h?'"));
        Assert.Equal("/usr/lib/os-release /etc/os-release /gone.txt", Paths($"Get-OciLayerItem -Reference '{_image}' -Layer 0 -Path '*os-release', '/gone*'"));
        Assert.Equal(string.Empty, Paths($"Get-OciLayerItem -Merged -Reference '{_image}' -Path '/ETC/*'"));

        var blob = _host.RunClean($"(Get-OciLayer '{_image}')[1].BlobPath").Single().ToString();
        Assert.Equal("/replaced.txt", Paths($"Get-OciLayerItem -LiteralPath '{blob}' -Path /replaced.txt"));
    }

    [Fact]
    public void OneObjectInMemoryIsRefusedOver256MiBAndPointsToDestination()
    {
        var layout = _temp.Combine("big");
        TestImages.Compose(layout, "big", new[] { BigFileLayer.Add(layout, "big.bin", (256L << 20) + 1) });
        var result = _host.Run($"Get-OciContent 'oci:{layout}:big' /big.bin -AsByteStream; Get-OciContent 'oci:{layout}:big' /big.bin -Raw");
        Assert.Empty(result.Output);
        Assert.Equal(new[] { "ContentTooLarge", "ContentTooLarge" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains("-Destination", result.Errors[0].ToString());
    }
}
