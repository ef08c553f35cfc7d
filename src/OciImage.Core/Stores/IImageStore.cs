using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>
/// What reading, composing and copying need from a place that holds images: one registry repository or one
/// image layout. The contract, as in containers/image: blobs first, then the manifest, then the tag; every
/// read is verified against its descriptor before the caller sees it. What some stores can do beyond this is a
/// capability of its own (<see cref="IBlobReuse"/>, <see cref="IReferrerStore"/>, <see cref="ILocalBlobs"/>):
/// code outside the stores asks for a capability, never for a kind of store.
/// </summary>
public interface IImageStore : IDisposable
{
    /// <summary>The repository or layout, for messages and output objects.</summary>
    Reference Location { get; }

    /// <summary>Finds the manifest a reference names (by digest, by tag, or the only one).</summary>
    Task<Descriptor> ResolveAsync(Reference reference, CancellationToken cancellationToken);

    /// <summary>Reads the manifest a reference names (tag, digest, or the only one), verified, in one round trip.</summary>
    Task<Manifest> GetManifestAsync(Reference reference, CancellationToken cancellationToken);

    /// <summary>Reads a manifest or index and verifies its bytes against the descriptor.</summary>
    Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken);

    /// <summary>Opens a blob for reading; the stream throws DigestMismatchException at its end if the bytes are wrong.</summary>
    Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken);

    Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken);

    /// <summary>The size of a blob, or null when the store does not have it.</summary>
    Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>The blob's bytes from an offset on, unverified (for resuming a download); the caller verifies.</summary>
    Task<Stream> OpenBlobRangeAsync(Descriptor descriptor, long offset, CancellationToken cancellationToken);

    /// <summary>Stores a blob; nothing is kept unless its bytes match the descriptor.</summary>
    Task PutBlobAsync(Descriptor descriptor, Stream content, IProgress<long>? bytesWritten, CancellationToken cancellationToken);

    /// <summary>Stores a manifest by its exact bytes, and tags it when a tag is given (a layout lists it in index.json either way).</summary>
    Task PutManifestAsync(Manifest manifest, string? tag, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a manifest that another refers to (an index's platform image) without naming it: a registry puts it
    /// by digest, a layout writes its blob and leaves index.json alone, so the index stays the one image there.
    /// </summary>
    Task PutChildManifestAsync(Manifest manifest, CancellationToken cancellationToken);

    /// <summary>Points a tag at a manifest the store already holds (its exact bytes, so the digest stays).</summary>
    Task TagAsync(Manifest manifest, string tag, CancellationToken cancellationToken);

    /// <summary>Removes a tag and keeps the image; ManifestUnknownException when the tag is not there.</summary>
    Task DeleteTagAsync(string tag, CancellationToken cancellationToken);

    /// <summary>Deletes a manifest by digest, with every tag that names it.</summary>
    Task DeleteManifestAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>The tags, in the store's order.</summary>
    IAsyncEnumerable<string> ListTagsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True when the store refuses a manifest whose blobs it lacks (a registry), so a manifest found there is
    /// complete; false when a manifest may sit there without its blobs (a layout), which a copy then checks.
    /// </summary>
    bool RefusesIncompleteManifests { get; }

    /// <summary>
    /// The last step of writing, called once everything is in place (containers/image's Commit): an archive
    /// writes its file here; stores that write as they go do nothing.
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
