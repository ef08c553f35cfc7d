using System.Collections;
using OciImage.Core;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>
/// One descriptor, with the reference that names it: what Get-OciDigest, index entries, referrers and a manifest's
/// config and layers give. Digest, Reference and Platform are strings; [OciDigest], [OciReference] and [OciPlatform]
/// turn them back into values.
/// </summary>
public sealed class OciDescriptor
{
    /// <param name="reference">The image the descriptor belongs to, or (index entries, referrers) the one it names.</param>
    public OciDescriptor(Reference reference, Descriptor descriptor)
    {
        Reference = reference.ToString();
        MediaType = descriptor.MediaType;
        Digest = descriptor.Digest.ToString();
        Size = descriptor.Size;
        Platform = descriptor.Platform?.ToString();
        ArtifactType = descriptor.ArtifactType;
        Annotations = Shapes.ToHashtable(descriptor.Annotations);
        Tag = descriptor.RefName ?? reference.Tag;
    }

    public string Reference { get; }

    public string? Tag { get; }

    public string MediaType { get; }

    public string Digest { get; }

    public long Size { get; }

    /// <summary>os/architecture[/variant], for index entries.</summary>
    public string? Platform { get; }

    public string? ArtifactType { get; }

    public Hashtable Annotations { get; }

    public override string ToString() => Digest;
}
