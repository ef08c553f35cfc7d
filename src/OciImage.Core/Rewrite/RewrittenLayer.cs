using System;
using System.Collections.Generic;
using OciImage.Core.Model;

namespace OciImage.Core.Rewrite;

/// <summary>A layer after the rewriter: its blob kept, or a new blob in a temp file with its new DiffID.</summary>
internal sealed class RewrittenLayer(Descriptor original, Descriptor descriptor, Digest? oldDiffId, Digest? diffId, string? blobPath, IReadOnlyList<string> removed, int retimed)
{
    public Descriptor Original { get; } = original;

    public Descriptor Descriptor { get; } = descriptor;

    public Digest? OldDiffId { get; } = oldDiffId;

    /// <summary>The DiffID in the new config (the old one when the blob was kept).</summary>
    public Digest? DiffId { get; } = diffId;

    /// <summary>The new blob's temp file; null when the blob was kept.</summary>
    public string? BlobPath { get; } = blobPath;

    public IReadOnlyList<string> Removed { get; } = removed;

    public int Retimed { get; } = retimed;

    public bool Changed => BlobPath is not null;

    public static RewrittenLayer Kept(Descriptor layer, Digest? diffId) => new(layer, layer, diffId, diffId, null, Array.Empty<string>(), 0);
}
