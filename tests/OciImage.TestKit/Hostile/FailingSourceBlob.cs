using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit.Hostile;

/// <summary>How the source's one blob fails once the copy has asked for it.</summary>
public enum SourceBlobFailure
{
    /// <summary>The source has no such blob (a registry's 404, a pruned layout).</summary>
    Missing,

    /// <summary>The source serves other bytes of the same length: the digest mismatches at the end of the upload.</summary>
    Tampered,

    /// <summary>The source never answers; the copy is cancelled (Ctrl+C, a sibling's failure) while it waits.</summary>
    HangsUntilCancelled,
}

/// <summary>
/// Class attacked: a destination's upload session opened for a blob whose source then fails. The copy opens the
/// session (POST) while the source's GET is under way; a copy that forgets the session on the source's failure
/// leaves an upload directory in the registry until its purge, one per failed blob, a failing mirror filling the
/// registry's disk with them. Wraps a store and makes one blob fail as <see cref="SourceBlobFailure"/> says.
/// </summary>
public sealed class FailingSourceBlob(IImageStore inner, Digest blob, SourceBlobFailure failure) : ForwardingStore(inner)
{
    private readonly TaskCompletionSource<bool> _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the copy first asks for the failing blob.</summary>
    public Task Asked => _asked.Task;

    public override async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (!descriptor.Digest.Equals(blob))
        {
            return await Inner.OpenBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }

        _asked.TrySetResult(true);
        switch (failure)
        {
            case SourceBlobFailure.Missing:
                throw new BlobUnknownException(Inner.Location.ToString(), blob) { Target = blob };
            case SourceBlobFailure.Tampered:
                var forged = new byte[descriptor.Size];
                new Random(7).NextBytes(forged);
                return new MemoryStream(forged, writable: false);
            default:
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException("not reached");
        }
    }
}
