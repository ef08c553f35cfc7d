using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Archives;

/// <summary>
/// <c>oci-archive:PATH[:NAME]</c>, skopeo's transport: an OCI image layout in a tar. Images keep their digests
/// and names; copying into an existing archive adds to what it holds.
/// </summary>
internal sealed class OciArchiveStore : ArchiveStore
{
    private OciArchiveStore(string archive, bool writing, IEngineLog log)
        : base(archive, Reference.ForArchive(dockerSave: false, archive, null, null), writing, log)
    {
    }

    public static OciArchiveStore OpenForRead(string archive, IEngineLog log) => new(archive, writing: false, log);

    public static OciArchiveStore OpenForWrite(string archive, IEngineLog log) => new(archive, writing: true, log);

    protected override Task<Descriptor> ResolveInAsync(OciLayoutStore layout, Reference reference, CancellationToken cancellationToken) =>
        layout.ResolveAsync(Reference.ForLayout(layout.Root, reference.Tag, reference.Digest), cancellationToken);

    protected override async Task<IReadOnlyList<string>> NamesAsync(OciLayoutStore layout, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var name in layout.ListTagsAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(name);
        }

        return names;
    }

    protected override async Task<OciLayoutStore> ReadArchiveAsync(WorkFolder work, CancellationToken cancellationToken)
    {
        var folder = work.Combine("layout");
        using (var archive = await Medium.OpenReadAsync(cancellationToken).ConfigureAwait(false))
        {
            TarFolder.Unpack(archive, folder, Archive, Medium.UnpackBudget(work.Path));
        }

        if (!File.Exists(Path.Combine(folder, "oci-layout")))
        {
            throw new InvalidArchiveException(Archive, "it holds no OCI layout (no oci-layout file); a docker save archive is read as docker-archive:");
        }

        return OciLayoutStore.Open(folder);
    }

    protected override Task PutImageAsync(OciLayoutStore layout, Manifest manifest, string? name, CancellationToken cancellationToken) =>
        layout.PutManifestAsync(manifest, name, cancellationToken);

    protected override Task WriteArchiveAsync(OciLayoutStore layout, WorkFolder work, CancellationToken cancellationToken)
    {
        // The layout's lock file is how this process kept other writers out, not part of the archive.
        return Medium.WriteAsync(output => TarFolder.Pack(layout.Root, output, name => name == OciLayoutStore.LockFileName), cancellationToken);
    }
}
