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
        Source = result.Source;
        Destination = result.Destination;
        Reference = result.Destination;
        _digest = result.Digest;
        _sourceDigest = result.SourceDigest;
        Platforms = result.Platforms.ToArray();

        BlobsCopied = result.BlobsCopied;
        BlobsSkipped = result.BlobsSkipped;
        BlobsMounted = result.BlobsMounted;
        BytesCopied = result.BytesCopied;
        ManifestsCopied = result.ManifestsCopied;
        ReferrersCopied = result.ReferrersCopied;
        Duration = result.Duration;
    }

    public Reference Source { get; }

    public Reference Destination { get; }

    /// <summary>The destination, for piping into other cmdlets.</summary>
    public Reference Reference { get; }

    // Boxed, like every engine struct held by a public type of this assembly: see ModuleInitializer.
    private readonly object _digest;
    private readonly object _sourceDigest;

    public Digest Digest => (Digest)_digest;

    public Digest SourceDigest => (Digest)_sourceDigest;

    /// <summary>True when the destination digest equals the source's.</summary>
    public bool SameDigest => Digest == SourceDigest;

    public string[] Platforms { get; }

    public int BlobsCopied { get; }

    public int BlobsSkipped { get; }

    public int BlobsMounted { get; }

    public long BytesCopied { get; }

    public int ManifestsCopied { get; }

    public int ReferrersCopied { get; }

    public TimeSpan Duration { get; }

    public override string ToString() => Destination.ToString();
}
