using System;
using System.Collections.Generic;

namespace OciImage.Core.Verbs;

/// <summary>What New-OciIndex asks for, as references and values: the verb opens the target and reads them there.</summary>
public sealed class NewIndexRequest
{
    /// <summary>Where the index goes, with its tag (a layout may take none).</summary>
    public Reference Destination { get; init; } = null!;

    /// <summary>The images to list; each must be in the destination's store.</summary>
    public IReadOnlyList<Reference> Manifests { get; init; } = Array.Empty<Reference>();

    /// <summary>An index in the destination's store to start from.</summary>
    public Reference? Base { get; init; }

    /// <summary>Platforms to drop from the base index.</summary>
    public IReadOnlyList<Platform>? RemovePlatforms { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>A Docker manifest list instead of an OCI index.</summary>
    public bool Docker { get; init; }
}
