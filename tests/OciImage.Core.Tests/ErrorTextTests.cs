using OciImage.Core.Errors;
using OciImage.Core.Transports.DockerDaemon;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Error messages quote what registries, daemons and files wrote: none of it may drive the user's terminal.</summary>
public sealed class ErrorTextTests
{
    [Theory]
    [InlineData("\u001b[31mred\u001b[0m")]
    [InlineData("\u001b]0;owned title\u0007")]
    [InlineData("line\roverwritten")]
    [InlineData("c1 \u009b31m")]
    public void ControlCharactersFromOutsideNeverReachAMessage(string hostile)
    {
        foreach (var error in new OciException[]
        {
            new RegistryErrorException("example.org/app", 500, "UNKNOWN", hostile),
            new DaemonErrorException("unix:///run/docker.sock", "loading an image", 200, hostile),
            new InvalidReferenceException(hostile, "it is not a reference"),
        })
        {
            foreach (var c in error.Message)
            {
                Assert.False((c < ' ' && c != '\n' && c != '\t') || (c >= '\u007F' && c <= '\u009F'), $"{error.ErrorId} carries U+{(int)c:X4}");
            }

            Assert.Contains('\uFFFD', error.Message);
        }
    }

    [Fact]
    public void PlainMessagesAreKeptAsWritten()
    {
        var error = new RegistryErrorException("example.org/app", 500, "UNKNOWN", "a plain\nmessage\twith tabs");
        Assert.Contains("a plain\nmessage\twith tabs", error.Message);
    }
}

/// <summary>A tar streamed from elsewhere (a daemon's save) has no size of its own: the unpack stops at its budget.</summary>
public sealed class StreamedArchiveBudgetTests
{
    [Fact]
    public void AStreamThatWouldWriteMoreThanItsBudgetIsRefusedAndStops()
    {
        using var temp = new OciImage.TestKit.TempDirectory();
        var tar = new OciImage.TestKit.HostileTar().File("a.bin", new string('a', 300_000)).File("b.bin", new string('b', 300_000)).ToArray();
        var error = Assert.Throws<InvalidArchiveException>(() =>
            OciImage.Core.Archives.TarFolder.Unpack(new System.IO.MemoryStream(tar), temp.Combine("out"), "a daemon's save", maxBytes: 400_000));
        Assert.Contains("400000 bytes", error.Message);
        Assert.False(System.IO.File.Exists(temp.Combine("out", "b.bin")) && new System.IO.FileInfo(temp.Combine("out", "b.bin")).Length > 100_000);
    }

    [Fact]
    public void ADaemonSaveMayUnpackTheTempFoldersFreeSpaceLessAReserve()
    {
        var medium = new DockerDaemonMedium(new DockerDaemonClient(DaemonEndpoint.Parse("unix:///nowhere.sock", "the test"), NullEngineLog.Instance), "app:1", Reference.Parse("docker-daemon:app:1"), writing: false);
        var free = new System.IO.DriveInfo(System.IO.Path.GetTempPath()).AvailableFreeSpace;
        var budget = medium.UnpackBudget(System.IO.Path.GetTempPath());
        Assert.InRange(budget, 0, free);
        Assert.True(free - budget >= (1L << 30) - (64L << 20), $"budget {budget} of {free} free keeps about 1 GiB");
    }
}
