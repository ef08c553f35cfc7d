using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit;

/// <summary>
/// A store that passes every <see cref="IImageStore"/> member to the store it wraps, for test stores that change
/// one or two (a blob that fails, stalls or changes) to override only those. Capabilities (IReferrerStore,
/// IBlobReuse, ...) are not passed on: a wrapped store is a plain store, as the wrappers always were.
/// </summary>
public abstract class ForwardingStore(IImageStore inner) : IImageStore
{
    /// <summary>The store every member not overridden goes to.</summary>
    protected IImageStore Inner { get; } = inner;

    public virtual Reference Location => Inner.Location;

    public virtual bool RefusesIncompleteManifests => Inner.RefusesIncompleteManifests;

    public virtual Task<Descriptor> ResolveAsync(Reference reference, CancellationToken cancellationToken) => Inner.ResolveAsync(reference, cancellationToken);

    public virtual Task<Manifest> GetManifestAsync(Reference reference, CancellationToken cancellationToken) => Inner.GetManifestAsync(reference, cancellationToken);

    public virtual Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken) => Inner.GetManifestAsync(descriptor, cancellationToken);

    public virtual Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) => Inner.OpenBlobAsync(descriptor, cancellationToken);

    public virtual Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) => Inner.HasBlobAsync(descriptor, cancellationToken);

    public virtual Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken) => Inner.StatBlobAsync(digest, cancellationToken);

    public virtual Task<Stream> OpenBlobRangeAsync(Descriptor descriptor, long offset, CancellationToken cancellationToken) => Inner.OpenBlobRangeAsync(descriptor, offset, cancellationToken);

    public virtual Task PutBlobAsync(Descriptor descriptor, Stream content, IProgress<long>? bytesWritten, CancellationToken cancellationToken) => Inner.PutBlobAsync(descriptor, content, bytesWritten, cancellationToken);

    public virtual Task PutManifestAsync(Manifest manifest, string? tag, CancellationToken cancellationToken) => Inner.PutManifestAsync(manifest, tag, cancellationToken);

    public virtual Task PutChildManifestAsync(Manifest manifest, CancellationToken cancellationToken) => Inner.PutChildManifestAsync(manifest, cancellationToken);

    public virtual Task TagAsync(Manifest manifest, string tag, CancellationToken cancellationToken) => Inner.TagAsync(manifest, tag, cancellationToken);

    public virtual Task DeleteTagAsync(string tag, CancellationToken cancellationToken) => Inner.DeleteTagAsync(tag, cancellationToken);

    public virtual Task DeleteManifestAsync(Digest digest, CancellationToken cancellationToken) => Inner.DeleteManifestAsync(digest, cancellationToken);

    public virtual IAsyncEnumerable<string> ListTagsAsync(CancellationToken cancellationToken) => Inner.ListTagsAsync(cancellationToken);

    public virtual Task CommitAsync(CancellationToken cancellationToken) => Inner.CommitAsync(cancellationToken);

    public virtual void Dispose() => Inner.Dispose();
}
