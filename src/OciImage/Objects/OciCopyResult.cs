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
        Duration = result.Duration.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        Seconds = Math.Round(result.Duration.TotalSeconds, 3);
        Status = result.UpToDate ? "UpToDate" : "Copied";
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

    /// <summary>
    /// How long the copy took, as [timespan] text ("00:00:01.2340000"): one value in ConvertTo-Json, where a
    /// TimeSpan writes fifteen; <c>[timespan]$r.Duration</c> gives the value.
    /// </summary>
    public string Duration { get; }

    /// <summary>The duration in seconds, to the millisecond.</summary>
    public double Seconds { get; }

    /// <summary>UpToDate when the destination already held the image under that name (nothing written), else Copied.</summary>
    public string Status { get; }

    public override string ToString() => Destination;
}
