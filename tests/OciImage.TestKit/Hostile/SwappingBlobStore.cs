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
public sealed class SwappingBlobStore(IImageStore inner, Digest blob, byte[] later) : ForwardingStore(inner)
{
    private int _opened;

    /// <summary>How many times the swapped blob was opened.</summary>
    public int Opened => _opened;

    public override Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (descriptor.Digest.Equals(blob) && Interlocked.Increment(ref _opened) > 1)
        {
            return Task.FromResult<Stream>(new MemoryStream(later, writable: false));
        }

        return Inner.OpenBlobAsync(descriptor, cancellationToken);
    }
}
