using System;
using System.Collections;
using System.Linq;
using OciImage.Core.Verbs;

namespace OciImage;

/// <summary>Get-OciImage's answer: an image in one object (skopeo inspect's fields, and the layers' sizes).</summary>
public sealed class OciImageSummary
{
    public OciImageSummary(ImageSummary summary)
    {
        var config = new OciContainerConfig(summary.Config.Config);
        Reference = summary.Reference.ToString();
        Digest = summary.Digest.ToString();
        ImageDigest = summary.Image.Digest.ToString();
        MediaType = summary.Manifest.MediaType;
        Created = summary.Config.Created?.UtcDateTime;
        Author = summary.Config.Author;
        Platform = summary.Config.Platform.ToString();
        Platforms = summary.Platforms.ToArray();
        LayerCount = summary.Manifest.Layers.Count;
        Layers = summary.Manifest.Layers.Select(l => l.Digest.ToString()).ToArray();
        Size = summary.Manifest.Config.Size + summary.Manifest.Layers.Sum(l => l.Size);
        Labels = config.Labels;
        Environment = config.Environment;
        Entrypoint = config.Entrypoint;
        Command = config.Command;
        User = config.User;
        WorkingDirectory = config.WorkingDirectory;
        ExposedPorts = config.ExposedPorts;
        RepositoryTags = summary.RepositoryTags?.ToArray();
    }

    /// <summary>The reference, pinned to <see cref="Digest"/>.</summary>
    public string Reference { get; }

    /// <summary>What the reference resolved to: the index's digest for a multi-platform image.</summary>
    public string Digest { get; }

    /// <summary>The image manifest summarised (one platform's, for an index).</summary>
    public string ImageDigest { get; }

    public string MediaType { get; }

    /// <summary>In UTC.</summary>
    public DateTime? Created { get; }

    public string? Author { get; }

    /// <summary>The summarised image's platform.</summary>
    public string Platform { get; }

    /// <summary>Every platform the reference offers (an index's), or the image's own.</summary>
    public string[] Platforms { get; }

    public int LayerCount { get; }

    /// <summary>Layer digests, base first.</summary>
    public string[] Layers { get; }

    /// <summary>Config and layers, as stored (compressed): what a pull moves.</summary>
    public long Size { get; }

    public Hashtable Labels { get; }

    public string[] Environment { get; }

    public string[]? Entrypoint { get; }

    public string[]? Command { get; }

    public string? User { get; }

    public string? WorkingDirectory { get; }

    public string[] ExposedPorts { get; }

    /// <summary>The repository's tags (up to 1,000); null where the store would not list them.</summary>
    public string[]? RepositoryTags { get; }

    public override string ToString() => Reference;
}
