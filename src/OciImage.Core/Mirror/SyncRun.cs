using System;
using System.Collections.Generic;
using OciImage.Core.Copy;

namespace OciImage.Core.Mirror;

/// <summary>
/// The state one mirror run shares between planning and applying, across all its mappings: source manifests
/// read once, each blob counted and moved once for each destination.
/// </summary>
public sealed class SyncRun
{
    internal CopyRun Copies { get; } = new();

    /// <summary>"DESTINATION\nDIGEST" of the blobs an item of the plan already moves.</summary>
    internal HashSet<string> PlannedBlobs { get; } = new(StringComparer.Ordinal);
}
