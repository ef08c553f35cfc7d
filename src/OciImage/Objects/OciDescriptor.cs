using System.Collections;
using OciImage.Core;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>One descriptor, with the reference that names it (what Get-OciDigest and index entries give).</summary>
public sealed class OciDescriptor
{
    public OciDescriptor(Reference reference, Descriptor descriptor)
    {
        Reference = reference;
        MediaType = descriptor.MediaType;
        _digest = descriptor.Digest;
        Size = descriptor.Size;
        Platform = descriptor.Platform;
        ArtifactType = descriptor.ArtifactType;
        Annotations = Shapes.ToHashtable(descriptor.Annotations);
        Tag = descriptor.RefName ?? reference.Tag;
    }

    public Reference Reference { get; }

    public string? Tag { get; }

    public string MediaType { get; }

    // Boxed, like every engine struct held by a public type of this assembly: see ModuleInitializer.
    private readonly object _digest;

    public Digest Digest => (Digest)_digest;

    public long Size { get; }

    public Platform? Platform { get; }

    public string? ArtifactType { get; }

    public Hashtable Annotations { get; }

    public override string ToString() => Digest.ToString();
}
