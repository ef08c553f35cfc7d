using System;
using System.Collections.Generic;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>Which media types a composed image uses: OCI's, or Docker's v2 schema 2.</summary>
public enum MediaTypeStyle
{
    Oci,
    Docker,
}

/// <summary>Everything an image is composed from: an optional base, new layers, config changes, and metadata.</summary>
public sealed class ComposeRequest
{
    /// <summary>The image to build on, with its store (its layers are reused from there).</summary>
    public ImageHandle? Base { get; init; }

    public IReadOnlyList<NewLayer> Layers { get; init; } = Array.Empty<NewLayer>();

    public ConfigChanges Changes { get; init; } = new();

    public DateTimeOffset Created { get; init; } = DateTimeOffset.FromUnixTimeSeconds(0);

    /// <summary>The history line of a metadata-only change, or of every new layer that has none.</summary>
    public string? History { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public MediaTypeStyle Style { get; init; } = MediaTypeStyle.Oci;

    /// <summary>Makes an artifact (OCI 1.1): the empty config and this artifactType.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>The manifest this one refers to (signatures, SBOMs).</summary>
    public Descriptor? Subject { get; init; }
}
