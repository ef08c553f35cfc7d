using OciImage.Core.Layers;

namespace OciImage.Core.Rewrite;

/// <summary>The compression rewritten layers get, and the media type that labels them in an OCI or Docker manifest.</summary>
internal sealed class LayerTarget(LayerCompression? compression, LayerCompressionLevel level, int? parallelism)
{
    private const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";

    /// <summary>Null to keep each layer's own compression.</summary>
    public LayerCompression? Compression { get; } = compression;

    public LayerCompressionLevel Level { get; } = level;

    public int? Parallelism { get; } = parallelism;

    /// <summary>The media type for <paramref name="compression"/> in the style (OCI or Docker) of the layer's old one.</summary>
    public string MediaTypeFor(LayerCompression compression, string oldMediaType)
    {
        var docker = oldMediaType.StartsWith("application/vnd.docker.", System.StringComparison.Ordinal);
        return (docker, compression) switch
        {
            (true, LayerCompression.Gzip) => MediaTypes.DockerLayerGzip,
            (true, LayerCompression.None) => DockerLayer,
            _ => Compressions.MediaType(compression),
        };
    }
}
