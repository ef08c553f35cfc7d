using System.Collections;
using System.Linq;
using System.Text;
using OciImage.Core.Images;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>An image index (multi-platform image), as Get-OciManifest gives it without -Platform.</summary>
public sealed class OciIndex
{
    private readonly ImageIndex _index;

    public OciIndex(ResolvedImage image)
    {
        _index = image.Index!;
        Reference = image.Reference.ToString();
        Digest = _index.Digest.ToString();
        Manifests = _index.Manifests.Select(m => new OciDescriptor(image.Reference.WithoutIdentifier().WithDigest(m.Digest), m)).ToArray();
        Platforms = Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!).ToArray();
        Annotations = Shapes.ToHashtable(_index.Annotations);
    }

    public string Reference { get; }

    public string Digest { get; }

    public string MediaType => _index.MediaType;

    public long Size => _index.Size;

    public string? ArtifactType => _index.ArtifactType;

    /// <summary>The entries; each one's Reference is pinned to its digest, so they pipe into Get-OciManifest.</summary>
    public OciDescriptor[] Manifests { get; }

    /// <summary>The platforms of the entries (linux/arm64/v8).</summary>
    public string[] Platforms { get; }

    public Hashtable Annotations { get; }

    public string Json => Encoding.UTF8.GetString(_index.GetRawBytes());

    public byte[] GetRawBytes() => _index.GetRawBytes();

    public override string ToString() => Reference;
}
