namespace OciImage.Core;

/// <summary>The media types of the OCI image spec and of Docker's v2 schema 2 that the module reads and writes.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /// <summary>Every manifest type a registry may answer with, for the Accept header.</summary>
    public static readonly string[] AllManifests = { OciManifest, OciIndex, DockerManifest, DockerManifestList };

    /// <summary>Docker's deprecated schema 1 manifests (signed or not), which the module does not read.</summary>
    public static bool IsDockerSchema1(string? mediaType) =>
        mediaType is "application/vnd.docker.distribution.manifest.v1+json" or "application/vnd.docker.distribution.manifest.v1+prettyjws";

    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    public static bool IsImageManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    public static bool IsManifest(string? mediaType) => IsIndex(mediaType) || IsImageManifest(mediaType);

    public static bool IsImageConfig(string? mediaType) => mediaType is OciConfig or DockerConfig;

    /// <summary>The compression a layer media type implies: gzip, zstd, or none.</summary>
    public static string LayerCompression(string? mediaType) => mediaType switch
    {
        OciLayerGzip or DockerLayerGzip or DockerForeignLayerGzip => "gzip",
        OciLayerZstd => "zstd",
        _ when mediaType is not null && mediaType.EndsWith("+gzip", System.StringComparison.Ordinal) => "gzip",
        _ when mediaType is not null && mediaType.EndsWith("+zstd", System.StringComparison.Ordinal) => "zstd",
        _ => "none",
    };
}

/// <summary>Annotation keys with meaning to the module.</summary>
public static class Annotations
{
    public const string RefName = "org.opencontainers.image.ref.name";
}
