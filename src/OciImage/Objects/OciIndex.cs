using System.Collections;
using System.Linq;
using System.Text;
using OciImage.Core;
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
        Reference = image.Reference;
        Manifests = _index.Manifests.Select(m => new OciDescriptor(Reference.WithDigest(m.Digest), m)).ToArray();
        Annotations = Shapes.ToHashtable(_index.Annotations);
    }

    public Reference Reference { get; }

    public Digest Digest => _index.Digest;

    public string MediaType => _index.MediaType;

    public long Size => _index.Size;

    public string? ArtifactType => _index.ArtifactType;

    public OciDescriptor[] Manifests { get; }

    /// <summary>The platforms of the entries, as strings (linux/arm64/v8).</summary>
    public string[] Platforms => Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!.ToString()).ToArray();

    public Hashtable Annotations { get; }

    public string Json => Encoding.UTF8.GetString(_index.GetRawBytes());

    public byte[] GetRawBytes() => _index.GetRawBytes();

    public override string ToString() => Reference.ToString();
}
