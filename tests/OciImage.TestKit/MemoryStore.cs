using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit;

/// <summary>
/// A store in memory, for engine tests that need no registry process: verified like the real ones (a blob is
/// kept only when its bytes match), with a log of the writes so a test can say what moved. It can act as a
/// registry (refusing manifests whose blobs it lacks) or as a layout. The CNCF registry stays the referee in
/// the integration tests.
/// </summary>
public sealed class MemoryStore : IImageStore, IReferrerStore
{
    private readonly ConcurrentDictionary<Digest, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<Digest, Manifest> _manifests = new();
    private readonly ConcurrentDictionary<string, Digest> _tags = new(StringComparer.Ordinal);

    public MemoryStore(string name = "memory/test", bool refusesIncompleteManifests = true)
    {
        Location = Reference.Parse("127.0.0.1:1/" + name);
        RefusesIncompleteManifests = refusesIncompleteManifests;
    }

    public Reference Location { get; }

    public bool RefusesIncompleteManifests { get; }

    /// <summary>Every write, in order: "blob DIGEST", "manifest DIGEST [TAG]", "commit".</summary>
    public ConcurrentQueue<string> Writes { get; } = new();

    public int Commits => Writes.Count(w => w == "commit");

    /// <summary>Puts bytes as a blob directly (a test's setup), without verification.</summary>
    public Descriptor Seed(byte[] bytes, string mediaType = "application/octet-stream")
    {
        var descriptor = new Descriptor { MediaType = mediaType, Digest = Digest.Compute(bytes), Size = bytes.Length };
        _blobs[descriptor.Digest] = bytes;
        return descriptor;
    }

    /// <summary>Replaces a blob's bytes behind the store's back, as a damaged disk or a hostile source would.</summary>
    public void Tamper(Digest digest, byte[] bytes) => _blobs[digest] = bytes;

    public Task<Descriptor> ResolveAsync(Reference reference, CancellationToken cancellationToken)
    {
        if (reference.Digest is { } digest)
        {
            return _manifests.TryGetValue(digest, out var byDigest)
                ? Task.FromResult(byDigest.ToDescriptor())
                : throw new ManifestUnknownException(reference.ToString(), "no such manifest");
        }

        var tag = reference.Tag ?? "latest";
        return _tags.TryGetValue(tag, out var tagged)
            ? Task.FromResult(_manifests[tagged].ToDescriptor())
            : throw new ManifestUnknownException(reference.ToString(), $"no tag '{tag}'");
    }

    public async Task<Manifest> GetManifestAsync(Reference reference, CancellationToken cancellationToken) =>
        await GetManifestAsync(await ResolveAsync(reference, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        var raw = _manifests.TryGetValue(descriptor.Digest, out var known) ? known.GetRawBytes()
            : _blobs.TryGetValue(descriptor.Digest, out var blob) ? blob
            : throw new ManifestUnknownException(Location.WithDigest(descriptor.Digest).ToString(), "no such manifest");
        return Task.FromResult(ManifestParser.ParseVerified(raw, descriptor, $"manifest {descriptor.Digest}"));
    }

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new VerifyingStream(new MemoryStream(Bytes(descriptor.Digest), writable: false), descriptor, $"blob {descriptor.Digest} of {Location}"));

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        Task.FromResult(_blobs.TryGetValue(descriptor.Digest, out var bytes) && bytes.Length == descriptor.Size);

    public Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken) =>
        Task.FromResult<long?>(_blobs.TryGetValue(digest, out var bytes) ? bytes.Length : null);

    public Task<Stream> OpenBlobRangeAsync(Descriptor descriptor, long offset, CancellationToken cancellationToken)
    {
        var bytes = Bytes(descriptor.Digest);
        return Task.FromResult<Stream>(new MemoryStream(bytes, (int)offset, bytes.Length - (int)offset, writable: false));
    }

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, IProgress<long>? bytesWritten, CancellationToken cancellationToken)
    {
        using var verified = VerifyingStream.Over(content, descriptor, $"blob {descriptor.Digest}");
        using var copy = new MemoryStream();
        await verified.CopyToAsync(copy, 81920, cancellationToken).ConfigureAwait(false);
        _blobs[descriptor.Digest] = copy.ToArray();
        Writes.Enqueue("blob " + descriptor.Digest);
    }

    public Task PutManifestAsync(Manifest manifest, string? tag, CancellationToken cancellationToken)
    {
        if (RefusesIncompleteManifests)
        {
            var missing = Referenced(manifest).FirstOrDefault(d => !_blobs.ContainsKey(d.Digest) && !_manifests.ContainsKey(d.Digest));
            if (missing is not null)
            {
                throw new RegistryErrorException(Location.ToString(), 400, "MANIFEST_BLOB_UNKNOWN", $"blob {missing.Digest} unknown to registry");
            }
        }

        _manifests[manifest.Digest] = manifest;
        if (tag is not null)
        {
            _tags[tag] = manifest.Digest;
        }

        Writes.Enqueue($"manifest {manifest.Digest}{(tag is null ? string.Empty : " " + tag)}");
        return Task.CompletedTask;
    }

    public Task PutChildManifestAsync(Manifest manifest, CancellationToken cancellationToken) => PutManifestAsync(manifest, null, cancellationToken);

    public Task TagAsync(Manifest manifest, string tag, CancellationToken cancellationToken) => PutManifestAsync(manifest, tag, cancellationToken);

    public Task DeleteTagAsync(string tag, CancellationToken cancellationToken) =>
        _tags.TryRemove(tag, out _) ? Task.CompletedTask : throw new ManifestUnknownException(Location.WithTag(tag).ToString(), $"no tag '{tag}'");

    public Task DeleteManifestAsync(Digest digest, CancellationToken cancellationToken)
    {
        _manifests.TryRemove(digest, out _);
        foreach (var tag in _tags.Where(t => t.Value == digest).Select(t => t.Key).ToList())
        {
            _tags.TryRemove(tag, out _);
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListTagsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var tag in _tags.Keys.OrderBy(t => t, StringComparer.Ordinal))
        {
            yield return tag;
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        Writes.Enqueue("commit");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Descriptor>> ListReferrersAsync(Digest subject, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Descriptor>>(_manifests.Values.Where(m => m.Subject?.Digest == subject).Select(ReferrerIndex.DescriptorOf).ToList());

    public Task RecordReferrerAsync(Manifest referrer, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }

    private byte[] Bytes(Digest digest) =>
        _blobs.TryGetValue(digest, out var bytes) ? bytes : throw new BlobUnknownException(Location.ToString(), digest) { Target = digest };

    private static IEnumerable<Descriptor> Referenced(Manifest manifest) => manifest switch
    {
        ImageManifest image => image.Layers.Prepend(image.Config),
        ImageIndex index => index.Manifests,
        _ => Enumerable.Empty<Descriptor>(),
    };
}
