using System;
using System.Collections.Generic;
using OciImage.Core.Images;

namespace OciImage.Core.Verbs;

/// <summary>What New-OciImage asks for, as references and values: the verb opens and resolves them.</summary>
public sealed class NewImageRequest
{
    /// <summary>Where the image goes, with its tag (a layout may take none).</summary>
    public Reference Destination { get; init; } = null!;

    /// <summary>The image to build on, in any store; its layers are reused (mounted within one registry).</summary>
    public Reference? Base { get; init; }

    /// <summary>The base's platform, when the base is an index; also the new config's platform.</summary>
    public Platform? Platform { get; init; }

    /// <summary>The image an artifact refers to.</summary>
    public Reference? Subject { get; init; }

    public IReadOnlyList<LayerSpec> Layers { get; init; } = Array.Empty<LayerSpec>();

    /// <summary>Files attached as artifact layers, with this media type.</summary>
    public IReadOnlyList<string> Files { get; init; } = Array.Empty<string>();

    public string FileMediaType { get; init; } = "application/octet-stream";

    /// <summary>Config changes, history, annotations, style and artifact type, as the composer takes them (its base, layers and subject are filled in by the verb).</summary>
    public ComposeRequest Compose { get; init; } = new();
}
