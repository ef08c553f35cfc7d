using System.Collections;
using System.Linq;
using System.Text;
using OciImage.Core.Images;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>
/// An image manifest, as Get-OciManifest gives it. <see cref="Reference"/> is pinned to the digest. Digests,
/// references and platforms are strings; [OciDigest], [OciReference] and [OciPlatform] make values of them.
/// </summary>
public sealed class OciManifest
{
    private readonly ImageManifest _manifest;

    public OciManifest(ResolvedImage image)
    {
        _manifest = image.Image!;
        Reference = image.Reference.ToString();
        Digest = _manifest.Digest.ToString();
        Platform = image.Platform?.ToString();
        Config = new OciDescriptor(image.Reference, _manifest.Config);
        Layers = _manifest.Layers.Select(l => new OciDescriptor(image.Reference, l)).ToArray();
        TotalSize = Config.Size + Layers.Sum(l => l.Size);
        Annotations = Shapes.ToHashtable(_manifest.Annotations);
        var recordedBase = Core.Base.BaseAnnotations.Of(_manifest);
        BaseName = recordedBase?.Name;
        BaseDigest = recordedBase?.Digest;
        Subject = _manifest.Subject is null ? null : new OciDescriptor(image.Reference.WithoutIdentifier().WithDigest(_manifest.Subject.Digest), _manifest.Subject);
    }

    public string Reference { get; }

    public string Digest { get; }

    public string MediaType => _manifest.MediaType;

    public long Size => _manifest.Size;

    public string? ArtifactType => _manifest.ArtifactType;

    /// <summary>The platform the index gave this image, when it was chosen from an index.</summary>
    public string? Platform { get; }

    /// <summary>The config blob; its Reference is the image's.</summary>
    public OciDescriptor Config { get; }

    /// <summary>The layer blobs, base first; each one's Reference is the image's, so they pipe into Save-OciBlob.</summary>
    public OciDescriptor[] Layers { get; }

    public int LayerCount => Layers.Length;

    /// <summary>Bytes of config and layers: what a pull moves.</summary>
    public long TotalSize { get; }

    /// <summary>The manifest this one refers to (artifacts); its Reference names that manifest.</summary>
    public OciDescriptor? Subject { get; }

    public Hashtable Annotations { get; }

    /// <summary>The base image it was built on (org.opencontainers.image.base.name), when recorded.</summary>
    public string? BaseName { get; }

    /// <summary>The base's digest when it was built on it (org.opencontainers.image.base.digest).</summary>
    public string? BaseDigest { get; }

    /// <summary>The exact JSON the manifest was read from.</summary>
    public string Json => Encoding.UTF8.GetString(_manifest.GetRawBytes());

    public byte[] GetRawBytes() => _manifest.GetRawBytes();

    public override string ToString() => Reference;

    /// <summary>
    /// The object with the view that fits it: a manifest read directly (not chosen from an index) knows no platform
    /// without another request (its config), so its view leaves the column out rather than show it empty.
    /// </summary>
    internal static System.Management.Automation.PSObject Shown(OciManifest manifest)
    {
        var shown = new System.Management.Automation.PSObject(manifest);
        if (manifest.Platform is null)
        {
            shown.TypeNames.Insert(0, "OciImage.OciManifest#WithoutPlatform");
        }

        return shown;
    }
}
