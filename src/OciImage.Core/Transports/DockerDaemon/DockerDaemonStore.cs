using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Archives;
using OciImage.Core.Layout;
using OciImage.Core.Model;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// An image of a Docker daemon as a store: what the docker archive store makes of <c>docker save</c>'s format,
/// over the daemon's API. Reading asks the daemon for exactly the image the reference names, so the archive
/// holds that one image; writing names the image as the reference does (REPOSITORY:TAG) and loads it on commit.
/// </summary>
internal sealed class DockerDaemonStore : DockerArchiveStore
{
    public DockerDaemonStore(DockerDaemonMedium medium, Reference location, bool writing, IEngineLog log)
        : base(medium, location, writing, log)
    {
    }

    /// <summary>The daemon chose the image by the reference's name: the archive's one image is it, whatever names it carries.</summary>
    protected override Task<Descriptor> ResolveInAsync(OciLayoutStore layout, Reference reference, CancellationToken cancellationToken) =>
        base.ResolveInAsync(layout, reference.WithoutIdentifier(), cancellationToken);

    /// <summary>The image goes in under the reference's repository and the tag copied to (docker load tags it so).</summary>
    protected override Task PutImageAsync(OciLayoutStore layout, Manifest manifest, string? name, CancellationToken cancellationToken) =>
        base.PutImageAsync(layout, manifest, $"{Location.Registry}/{Location.Repository}:{name ?? Location.Tag ?? "latest"}", cancellationToken);
}
