namespace OciImage.Core.Archives;

public enum ArchiveFormat
{
    /// <summary>An OCI image layout in a tar (skopeo's oci-archive).</summary>
    Oci,

    /// <summary>What docker save writes: manifest.json, the config and uncompressed layer tars.</summary>
    Docker,
}
