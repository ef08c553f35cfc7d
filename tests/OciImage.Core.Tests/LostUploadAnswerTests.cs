using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// A blob upload whose chunk answer is lost (the proxy forwards the PATCH, the registry takes it, the client's
/// connection is reset), through the store alone: against a registry that keeps the session, the upload goes on
/// from the offset the session reports; against distribution, which cancels it, it starts again from the
/// (seekable) source's start; with no retry left, the caller sees the failure that lost the answer.
/// </summary>
public sealed class LostUploadAnswerTests : IClassFixture<RegistryImages>
{
    private const int Chunk = 65536;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly RegistryImages _images;

    public LostUploadAnswerTests(RegistryImages images) => _images = images;

    /// <summary>300,000 random bytes: five chunks, the last of 37,856.</summary>
    private static (Descriptor Descriptor, byte[] Bytes) Blob(int seed)
    {
        var bytes = new byte[300_000];
        new Random(seed).NextBytes(bytes);
        return (new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(bytes), Size = bytes.Length }, bytes);
    }

    private static int Count(FaultProxy proxy, string method, string pathPart) =>
        proxy.Log.Count(l => l.StartsWith(method + " ", StringComparison.Ordinal) && l.Contains(pathPart, StringComparison.Ordinal));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task ARegistryThatKeepsTheSessionIsAskedItsOffsetAndNothingIsSentTwice(int lostChunk)
    {
        using var registry = new FakeRegistry();
        using var proxy = new FaultProxy(registry.Host);
        var (descriptor, bytes) = Blob(lostChunk);
        var store = TestClients.Store(proxy.Host, "team/app", new RegistryOptions { ChunkSize = Chunk, MaximumRetryCount = 0 });

        // No retry is needed: the registry has the chunk, and its session says so.
        proxy.LoseAnswerNext(1, "PATCH", "/blobs/uploads/", skip: lostChunk - 1);
        await store.PutBlobAsync(descriptor, new NonSeekable(bytes), null, None);

        Assert.Equal(1, proxy.Resets);
        Assert.True(registry.HasBlob("team/app", descriptor.Digest.ToString()));
        Assert.Equal(1, Count(proxy, "POST", "/blobs/uploads/"));
        Assert.Equal(5, Count(proxy, "PATCH", "/blobs/uploads/"));
        Assert.Equal(1, Count(proxy, "GET", "/blobs/uploads/"));
        Assert.Equal(1, Count(proxy, "PUT", "/blobs/uploads/"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task DistributionCancelsTheSessionAndASeekableSourceStartsAgainInPlace()
    {
        using var proxy = new FaultProxy(_images.Registries[RegistryAuth.None].Host);
        var (descriptor, bytes) = Blob(21);
        var store = TestClients.Store(proxy.Host, "lost/in-place", new RegistryOptions { ChunkSize = Chunk, MaximumRetryCount = 1, RetryInterval = TimeSpan.FromMilliseconds(10) });
        proxy.LoseAnswerNext(1, "PATCH", "/blobs/uploads/");
        await store.PutBlobAsync(descriptor, new MemoryStream(bytes), null, None);

        Assert.Equal(1, proxy.Resets);
        Assert.Equal(bytes.Length, await store.StatBlobAsync(descriptor.Digest, None));
        Assert.Equal(2, Count(proxy, "POST", "/blobs/uploads/"));
        Assert.Equal(1 + 5, Count(proxy, "PATCH", "/blobs/uploads/"));
        Assert.Equal(1, Count(proxy, "GET", "/blobs/uploads/"));
        Assert.Equal(1, Count(proxy, "PUT", "/blobs/uploads/"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task WithNoRetryLeftTheLostAnswerIsTheErrorNotAMissingManifest()
    {
        using var proxy = new FaultProxy(_images.Registries[RegistryAuth.None].Host);
        var (descriptor, bytes) = Blob(22);
        var store = TestClients.Store(proxy.Host, "lost/no-retry", new RegistryOptions { ChunkSize = Chunk, MaximumRetryCount = 0 });
        proxy.LoseAnswerNext(1, "PATCH", "/blobs/uploads/");

        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => store.PutBlobAsync(descriptor, new MemoryStream(bytes), null, None));
        Assert.Equal("RegistryUnreachable", error.ErrorId);
        Assert.Equal(1, Count(proxy, "PATCH", "/blobs/uploads/"));
        Assert.Equal(1, Count(proxy, "GET", "/blobs/uploads/"));
        Assert.Null(await store.StatBlobAsync(descriptor.Digest, None));
    }

    /// <summary>A source that reads once, forward only, as a blob stream from another store does.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
