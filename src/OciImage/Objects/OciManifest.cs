using System.Collections;
using System.Linq;
using System.Text;
using OciImage.Core;
using OciImage.Core.Images;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>An image manifest, as Get-OciManifest gives it. <see cref="Reference"/> is pinned to the digest.</summary>
public sealed class OciManifest
{
    private readonly ImageManifest _manifest;

    public OciManifest(ResolvedImage image)
    {
        _manifest = image.Image!;
        Reference = image.Reference;
        Platform = image.Platform;
        Config = _manifest.Config;
        Layers = _manifest.Layers.ToArray();
        Annotations = Shapes.ToHashtable(_manifest.Annotations);
        Subject = _manifest.Subject;
    }

    public Reference Reference { get; }

    public Digest Digest => _manifest.Digest;

    public string MediaType => _manifest.MediaType;

    public long Size => _manifest.Size;

    public string? ArtifactType => _manifest.ArtifactType;

    /// <summary>The platform the index gave this image, when it was chosen from an index.</summary>
    public Platform? Platform { get; }

    public Descriptor Config { get; }

    public Descriptor[] Layers { get; }

    public int LayerCount => Layers.Length;

    /// <summary>Bytes of config and layers: what a pull moves.</summary>
    public long TotalSize => Config.Size + Layers.Sum(l => l.Size);

    public Descriptor? Subject { get; }

    public Hashtable Annotations { get; }

    /// <summary>The exact JSON the manifest was read from.</summary>
    public string Json => Encoding.UTF8.GetString(_manifest.GetRawBytes());

    public byte[] GetRawBytes() => _manifest.GetRawBytes();

    public override string ToString() => Reference.ToString();
}
