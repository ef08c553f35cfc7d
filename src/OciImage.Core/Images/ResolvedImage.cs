using OciImage.Core.Model;

namespace OciImage.Core.Images;

/// <summary>A manifest or index found by a reference, with the reference pinned to its digest.</summary>
public sealed class ResolvedImage
{
    public ResolvedImage(Reference reference, Descriptor descriptor, Manifest manifest, Platform? platform)
    {
        Reference = reference;
        Descriptor = descriptor;
        Manifest = manifest;
        Platform = platform;
    }

    /// <summary>The reference as asked for, with the digest of what was found.</summary>
    public Reference Reference { get; }

    public Descriptor Descriptor { get; }

    public Manifest Manifest { get; }

    /// <summary>The platform of the index entry it was chosen by, when it came from an index.</summary>
    public Platform? Platform { get; }

    public ImageManifest? Image => Manifest as ImageManifest;

    public ImageIndex? Index => Manifest as ImageIndex;
}
