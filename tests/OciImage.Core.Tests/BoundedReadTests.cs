using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Archives;
using OciImage.Core.Errors;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;
using OciImage.Core.Layout;

namespace OciImage.Core.Tests;

/// <summary>
/// Every document file the module reads whole is refused from its declared size before it is read, from the
/// bytes actually read once they pass the limit, and, when it is not a regular file, before it is opened
/// (issue 25 item 4): a layout's index.json and oci-layout, an archive's manifest.json, index.json and configs, a
/// docker config. Each case runs under a deadline: an unbounded open of a pipe never returns.
/// </summary>
public sealed class BoundedReadTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnIndexJsonOverItsLimitIsManifestTooLargeUnread()
    {
        using var temp = new TempDirectory();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        // 3 GiB, sparse: an unbounded read fails with a raw IOException (past 2 GiB) or allocates it.
        OversizeDocuments.Sparse(temp.Combine("layout", "index.json"), 3L << 30);
        var error = await Within(() => Assert.Throws<ManifestTooLargeException>(() => store.ReadIndex()));
        Assert.Contains(LayoutIndex.MaxSize.ToString(), error.Message);
    }

    [Fact]
    public async Task AnIndexJsonOfEndlessZerosStopsAtItsLimit()
    {
        using var temp = new TempDirectory();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        OversizeDocuments.EndlessZeros(temp.Combine("layout", "index.json"));
        var error = await Within(() => Assert.ThrowsAny<OciException>(() => store.ReadIndex()));
        Assert.Contains(error.ErrorId, new[] { "ManifestTooLarge", "InvalidManifest" });
    }

    [Fact]
    public async Task AnIndexJsonThatIsAPipeIsRefusedWithoutOpeningIt()
    {
        using var temp = new TempDirectory();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        OversizeDocuments.Fifo(temp.Combine("layout", "index.json"));
        var error = await Within(() => Assert.Throws<InvalidManifestException>(() => store.ReadIndex()));
        Assert.Contains("named pipe", error.Message);
    }

    [Theory]
    [InlineData("sparse")]
    [InlineData("pipe")]
    [InlineData("zeros")]
    public async Task AnOciLayoutFileOverItsLimitOrNotAFileIsInvalidLayout(string kind)
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        OciLayoutStore.OpenOrCreate(layout).Dispose();
        Make(kind, Path.Combine(layout, "oci-layout"));
        var error = await Within(() => Assert.Throws<InvalidLayoutException>(() => OciLayoutStore.Open(layout)));
        Assert.Contains(Expected(kind, LayoutFile.MaxSize), error.Message);
    }

    [Theory]
    [InlineData("manifest.json")]
    [InlineData("config.json")]
    public async Task AnArchiveDocumentOverItsLimitIsInvalidArchive(string name)
    {
        using var temp = new TempDirectory();
        var unpacked = temp.Combine("unpacked");
        Directory.CreateDirectory(unpacked);
        File.WriteAllText(Path.Combine(unpacked, "manifest.json"), """[{"Config":"config.json","RepoTags":["app:1"],"Layers":[]}]""");
        File.WriteAllText(Path.Combine(unpacked, "config.json"), """{"rootfs":{"type":"layers","diff_ids":[]}}""");
        OversizeDocuments.Sparse(Path.Combine(unpacked, name), 3L << 30);
        var error = await Within(() => Assert.ThrowsAsync<InvalidArchiveException>(() => ArchiveReader.ReadAsync(unpacked, temp.Combine("work"), "hostile.tar", CancellationToken.None)));
        Assert.Contains($"its {(name == "config.json" ? "config config.json" : name)} is over", error.Message);
    }

    [Fact]
    public async Task AnArchiveIndexJsonThatIsAPipeIsInvalidArchive()
    {
        using var temp = new TempDirectory();
        var unpacked = temp.Combine("unpacked");
        OciLayoutStore.OpenOrCreate(unpacked).Dispose();
        OversizeDocuments.Fifo(Path.Combine(unpacked, "index.json"));
        var error = await Within(() => Assert.ThrowsAsync<InvalidArchiveException>(() => ArchiveReader.ReadAsync(unpacked, temp.Combine("work"), "hostile.tar", CancellationToken.None)));
        Assert.Contains("named pipe", error.Message);
    }

    [Theory]
    [InlineData("sparse")]
    [InlineData("pipe")]
    [InlineData("zeros")]
    public async Task ADockerConfigOverItsLimitOrNotAFileIsAWarningAndAnonymous(string kind)
    {
        using var temp = new TempDirectory();
        var config = temp.Combine("config.json");
        Make(kind, config);
        var log = new RecordingLog();
        var found = await Within(() => new DockerConfigCredentials(config, log).Find("registry.example"));
        Assert.Null(found);
        var warning = Assert.Single(log.Messages, m => m.StartsWith("WARNING: Ignoring the docker config", StringComparison.Ordinal));
        Assert.Contains(Expected(kind, DockerConfigFile.MaxSize), warning);
    }

    [Fact]
    public void AStreamWithoutEndStopsOnePastTheLimit()
    {
        var endless = new EndlessStream();
        var error = Assert.Throws<InvalidArchiveException>(() => IO.BoundedRead.Stream(endless, 1000, size => new InvalidArchiveException("x", $"over, at {size}")));
        Assert.Contains("at 1001", error.Message);
        Assert.True(endless.Served <= 1001, $"{endless.Served} bytes were asked for");
    }

    private static string Expected(string kind, int limit) => kind switch
    {
        "pipe" => "named pipe",
        "zeros" => "character device",
        _ => $"over {limit} bytes",
    };

    private static void Make(string kind, string path)
    {
        switch (kind)
        {
            case "sparse":
                OversizeDocuments.Sparse(path, 3L << 30);
                break;
            case "pipe":
                OversizeDocuments.Fifo(path);
                break;
            default:
                OversizeDocuments.EndlessZeros(path);
                break;
        }
    }

    /// <summary>Runs a read on its own thread: one that hangs (a pipe opened) fails the test instead of the run.</summary>
    private static async Task<T> Within<T>(Func<T> read)
    {
        var run = Task.Factory.StartNew(read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (await Task.WhenAny(run, Task.Delay(Deadline)) != run)
        {
            throw new TimeoutException("the read did not return: it was not bounded");
        }

        return await run;
    }

    private static Task<T> Within<T>(Func<Task<T>> read) => Within(() => read().GetAwaiter().GetResult());

    /// <summary>Zeros without end, counting what was asked of it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            Served += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
