namespace OciImage.Core.Archives;

/// <summary>The archive formats Export-OciImage writes: an OCI layout in a tar, or docker save's.</summary>
public enum ArchiveFormat
{
    /// <summary>An OCI image layout in a tar (skopeo's oci-archive).</summary>
    Oci,

    /// <summary>What docker save writes: manifest.json, the config and uncompressed layer tars.</summary>
    Docker,
}
