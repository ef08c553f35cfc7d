using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>
/// A store that can take a blob from another store without its bytes passing through this process: a registry
/// mounts a blob of another repository of the same registry. False means "not this way": the caller streams it.
/// </summary>
internal interface IBlobReuse
{
    Task<bool> TryReuseBlobAsync(Descriptor blob, IImageStore from, CancellationToken cancellationToken);
}
