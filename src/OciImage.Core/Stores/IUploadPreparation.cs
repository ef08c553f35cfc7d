using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>
/// A store whose blob writes open with a round trip of their own (a registry's upload session, POST): the copy
/// opens it while the source's GET is under way, so the bytes start one round trip sooner. The next
/// <see cref="IImageStore.PutBlobAsync"/> of that blob uses it; a transfer that does not come abandons it, and an
/// abandoned upload is cancelled, not left for the registry to purge.
/// </summary>
internal interface IUploadPreparation
{
    Task PrepareUploadAsync(Descriptor blob, CancellationToken cancellationToken);

    /// <summary>Cancels a prepared upload no bytes will follow; best effort, bounded in time, never throws.</summary>
    Task AbandonUploadAsync(Descriptor blob);
}
