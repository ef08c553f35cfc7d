using OciImage.Core.Errors;
using OciImage.Core.Transports;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Layout and archive paths as a Windows user writes them, parsed with Windows' path rules injected (so they are
/// tested on every OS), and the same text with Unix rules: what a Linux or macOS system can open, and a per-item
/// InvalidReference naming the reason for what it cannot.
/// </summary>
public class WindowsPathReferenceTests
{
    private const string D = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    private static Reference Windows(string text) => Reference.Parse(text, TransportTable.Default, PathSemantics.Windows);

    private static Reference Unix(string text) => Reference.Parse(text, TransportTable.Default, PathSemantics.Unix);

    [Theory]
    [InlineData(@"oci:C:\images\app:1.0", @"C:\images\app", "1.0")]
    [InlineData(@"oci:C:\images\app", @"C:\images\app", null)]
    [InlineData(@"oci:c:/images/app:1.0", @"c:/images/app", "1.0")]
    [InlineData(@"oci:C:\images\app:docker.io/library/app:1.0", @"C:\images\app", "docker.io/library/app:1.0")]
    [InlineData(@"oci:C:images\app:1.0", @"C:images\app", "1.0")] // drive-relative: the current folder of drive C
    [InlineData(@"oci:C:app", @"C:app", null)]
    [InlineData(@"oci:\\server\share\images\app:1.0", @"\\server\share\images\app", "1.0")]
    [InlineData(@"oci:\\server\share\app", @"\\server\share\app", null)]
    [InlineData(@"oci:\\?\C:\images\app:1.0", @"\\?\C:\images\app", "1.0")]
    [InlineData(@"oci:\\.\C:\images\app", @"\\.\C:\images\app", null)]
    [InlineData(@"oci:\\?\UNC\server\share\app:1.0", @"\\?\UNC\server\share\app", "1.0")]
    [InlineData(@"oci:.\images\app:1.0", @".\images\app", "1.0")]
    [InlineData(@"oci:..\images\app:1.0", @"..\images\app", "1.0")]
    [InlineData(@"oci:images\app:1.0", @"images\app", "1.0")]
    [InlineData(@"oci:\images\app:1.0", @"\images\app", "1.0")] // the root of the current drive
    [InlineData(@"oci-archive:C:\exports\app.tar:1.0", @"C:\exports\app.tar", "1.0")]
    [InlineData(@"docker-archive:D:\saved\app.tar:example/app:1.0", @"D:\saved\app.tar", "example/app:1.0")]
    public void WindowsPathsParseAsAWindowsUserExpects(string text, string path, string? name)
    {
        var reference = Windows(text);
        Assert.True(reference.IsLocal);
        Assert.Equal(path, reference.LayoutPath);
        Assert.Equal(name, reference.Tag);
        Assert.Equal(text, reference.ToString());
    }

    [Fact]
    public void AWindowsPathKeepsItsDigest()
    {
        var reference = Windows($@"oci:\\?\C:\images\app:1.0@{D}");
        Assert.Equal(@"\\?\C:\images\app", reference.LayoutPath);
        Assert.Equal("1.0", reference.Tag);
        Assert.Equal(D, reference.Digest.ToString());
    }

    [Theory]
    [InlineData(@"oci:C:\images\app:1.0", @"C:\images\app", "1.0")] // a PowerShell drive path: PowerShell resolves it, or says InvalidPath
    [InlineData(@"oci:C:/images/app:1.0", @"C:/images/app", "1.0")]
    [InlineData("oci:c:1.0", "c", "1.0")] // the layout folder c, as skopeo reads it; Windows reads the current folder of drive C
    [InlineData("oci:./images:1.0", "./images", "1.0")]
    public void OnUnixADriveIsAPowerShellDriveAndASingleLetterIsAFolder(string text, string path, string? name)
    {
        var reference = Unix(text);
        Assert.Equal(path, reference.LayoutPath);
        Assert.Equal(name, reference.Tag);
    }

    [Theory]
    [InlineData(@"oci:\\server\share\images\app:1.0", "UNC path")]
    [InlineData(@"oci-archive:\\server\share\app.tar", "UNC path")]
    [InlineData(@"oci:\\?\C:\images\app:1.0", "device path")]
    [InlineData(@"oci:\\.\pipe\images", "device path")]
    public void OnUnixAPathOnlyWindowsCanOpenIsInvalidReferenceSayingWhy(string text, string reason)
    {
        var error = Assert.Throws<InvalidReferenceException>(() => Unix(text));
        Assert.Equal("InvalidReference", error.ErrorId);
        Assert.Contains(reason, error.Message);
        Assert.Contains("not Windows", error.Message);
    }

    [Fact]
    public void TheParserUsesThisSystemsRulesByDefault()
    {
        var expected = System.OperatingSystem.IsWindows() ? PathSemantics.Windows : PathSemantics.Unix;
        Assert.Same(expected, PathSemantics.Current);
        Assert.Equal(System.OperatingSystem.IsWindows() ? "c:1.0" : "c", Reference.Parse("oci:c:1.0").LayoutPath);
    }
}
