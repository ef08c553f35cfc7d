using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: a store that serves one blob honestly first (so its digest checks out) and other bytes on a
/// later read, unverified, as a compromised mirror or a file changed on disk between two reads would. A reader
/// that trusts the second read because the first was verified passes the forged bytes on.
/// </summary>
public sealed class SwappingBlobStore(IImageStore inner, Digest blob, byte[] later) : IImageStore
{
    private int _opened;

    /// <summary>How many times the swapped blob was opened.</summary>
    public int Opened => _opened;

    public Reference Location => inner.Location;

    public bool RefusesIncompleteManifests => inner.RefusesIncompleteManifests;

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (descriptor.Digest.Equals(blob) && Interlocked.Increment(ref _opened) > 1)
        {
            return Task.FromResult<Stream>(new MemoryStream(later, writable: false));
        }

        return inner.OpenBlobAsync(descriptor, cancellationToken);
    }

    public Task<Descriptor> ResolveAsync(Reference reference, CancellationToken cancellationToken) => inner.ResolveAsync(reference, cancellationToken);

    public Task<Manifest> GetManifestAsync(Reference reference, CancellationToken cancellationToken) => inner.GetManifestAsync(reference, cancellationToken);

    public Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken) => inner.GetManifestAsync(descriptor, cancellationToken);

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) => inner.HasBlobAsync(descriptor, cancellationToken);

    public Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken) => inner.StatBlobAsync(digest, cancellationToken);

    public Task<Stream> OpenBlobRangeAsync(Descriptor descriptor, long offset, CancellationToken cancellationToken) => inner.OpenBlobRangeAsync(descriptor, offset, cancellationToken);

    public Task PutBlobAsync(Descriptor descriptor, Stream content, IProgress<long>? bytesWritten, CancellationToken cancellationToken) => inner.PutBlobAsync(descriptor, content, bytesWritten, cancellationToken);

    public Task PutManifestAsync(Manifest manifest, string? tag, CancellationToken cancellationToken) => inner.PutManifestAsync(manifest, tag, cancellationToken);

    public Task PutChildManifestAsync(Manifest manifest, CancellationToken cancellationToken) => inner.PutChildManifestAsync(manifest, cancellationToken);

    public Task TagAsync(Manifest manifest, string tag, CancellationToken cancellationToken) => inner.TagAsync(manifest, tag, cancellationToken);

    public Task DeleteTagAsync(string tag, CancellationToken cancellationToken) => inner.DeleteTagAsync(tag, cancellationToken);

    public Task DeleteManifestAsync(Digest digest, CancellationToken cancellationToken) => inner.DeleteManifestAsync(digest, cancellationToken);

    public IAsyncEnumerable<string> ListTagsAsync(CancellationToken cancellationToken) => inner.ListTagsAsync(cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

    public void Dispose() => inner.Dispose();
}
