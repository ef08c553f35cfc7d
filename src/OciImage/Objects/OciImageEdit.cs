using System.Linq;
using OciImage.Core.Rewrite;

namespace OciImage;

/// <summary>What Edit-OciImage wrote: the new image and, for each image in it, what changed.</summary>
public sealed class OciImageEdit
{
    public OciImageEdit(RewriteResult result)
    {
        Source = result.Source.ToString();
        Reference = result.Destination.ToString();
        Digest = result.Digest.ToString();
        SourceDigest = result.SourceDigest.ToString();
        Platforms = result.Images.Select(i => i.Platform).ToArray();
        LayersRemoved = result.Images.Sum(i => i.LayersRemoved);
        LayersRewritten = result.Images.Sum(i => i.LayersRewritten);
        DiffIdsKept = result.Images.Sum(i => i.DiffIdsKept);
        PathsRemoved = result.Images.SelectMany(i => i.PathsRemoved).Distinct().ToArray();
        EntriesRetimed = result.Images.Sum(i => i.EntriesRetimed);
        Changes = result.Images.SelectMany(i => i.Changes.Select(c => i.Platform + ": " + c)).ToArray();
        LeftAsTheyWere = result.LeftAsTheyWere.ToArray();
    }

    public string Source { get; }

    /// <summary>The new image (destination@digest), for piping into other cmdlets.</summary>
    public string Reference { get; }

    public string Digest { get; }

    public string SourceDigest { get; }

    /// <summary>The platforms of the images changed.</summary>
    public string[] Platforms { get; }

    public int LayersRemoved { get; }

    public int LayersRewritten { get; }

    /// <summary>Rewritten layers whose tar bytes stayed (only their compression changed), so their DiffIDs did.</summary>
    public int DiffIdsKept { get; }

    /// <summary>Paths removed from layers ("/etc/secret"), each once.</summary>
    public string[] PathsRemoved { get; }

    public int EntriesRetimed { get; }

    /// <summary>Each change in words, by platform ("linux/amd64: layer 2: gzip -> gzip, removed /etc/secret, DiffID sha256:...").</summary>
    public string[] Changes { get; }

    /// <summary>Index children written as they were (signatures, attestations, unknown/unknown), by digest.</summary>
    public string[] LeftAsTheyWere { get; }

    public override string ToString() => Reference;
}
