using System.Collections.Generic;
using System.Text.Json.Serialization;
using OciImage.Core.Model;

namespace OciImage.Core.Archives;

/// <summary>A docker-save archive's manifest.json: a list of images, each a config file, its tags and its layer files.</summary>
internal sealed class DockerArchiveManifest : List<DockerArchiveEntry?>, IShaped
{
    /// <summary>Far more than a manifest.json of thousands of images; a larger one is not read.</summary>
    public const int MaxSize = 16 * 1024 * 1024;

    public void CheckShape(string path) => Shape.Each<DockerArchiveEntry>(this, path);
}

/// <summary>One image of manifest.json (docker save writes more members; they are not needed).</summary>
internal sealed class DockerArchiveEntry : IShaped
{
    [JsonPropertyName("Config")]
    public string? Config { get; set; }

    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string?>? RepoTags { get; set; }

    [JsonPropertyName("Layers")]
    public IReadOnlyList<string?>? Layers { get; set; }

    public void CheckShape(string path)
    {
        Shape.Required(Config, Shape.Member(path, "Config"), "the config's file name");
        Shape.NoNullItems(RepoTags, Shape.Member(path, "RepoTags"));
        Shape.NoNullItems(Layers, Shape.Member(path, "Layers"));
    }
}
