using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>
/// A store that can list the manifests it keeps without a tag (a layout's index.json entries with no ref.name):
/// its garbage collection keeps what they reach, so a measurement must count them as kept. Registries cannot
/// list these, and their garbage collection is the registry's own.
/// </summary>
internal interface IUntaggedManifests
{
    Task<IReadOnlyList<Descriptor>> UntaggedManifestsAsync(CancellationToken cancellationToken);
}
