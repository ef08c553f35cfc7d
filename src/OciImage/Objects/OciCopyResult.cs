using System;
using System.Linq;
using OciImage.Core;
using OciImage.Core.Copy;

namespace OciImage;

/// <summary>What Copy-OciImage did for one image.</summary>
public sealed class OciCopyResult
{
    public OciCopyResult(CopyResult result)
    {
        Source = result.Source.ToString();
        Destination = result.Destination.ToString();
        Reference = Destination;
        Digest = result.Digest.ToString();
        SourceDigest = result.SourceDigest.ToString();
        SameDigest = result.Digest == result.SourceDigest;
        Platforms = result.Platforms.ToArray();

        BlobsCopied = result.BlobsCopied;
        BlobsSkipped = result.BlobsSkipped;
        BlobsMounted = result.BlobsMounted;
        BytesCopied = result.BytesCopied;
        ManifestsCopied = result.ManifestsCopied;
        ReferrersCopied = result.ReferrersCopied;
        Duration = result.Duration;
    }

    public string Source { get; }

    public string Destination { get; }

    /// <summary>The destination, for piping into other cmdlets.</summary>
    public string Reference { get; }

    /// <summary>The digest of what was written at the destination.</summary>
    public string Digest { get; }

    public string SourceDigest { get; }

    /// <summary>True when the destination digest equals the source's.</summary>
    public bool SameDigest { get; }

    public string[] Platforms { get; }

    public int BlobsCopied { get; }

    public int BlobsSkipped { get; }

    public int BlobsMounted { get; }

    public long BytesCopied { get; }

    public int ManifestsCopied { get; }

    public int ReferrersCopied { get; }

    public TimeSpan Duration { get; }

    public override string ToString() => Destination;
}
