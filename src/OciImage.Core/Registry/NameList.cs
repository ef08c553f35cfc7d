using System.Collections.Generic;
using System.Text.Json.Serialization;
using OciImage.Core.Model;

namespace OciImage.Core.Registry;

/// <summary>A page of a tag list ({"name","tags"}) or of the catalog ({"repositories"}); distribution writes "tags": null for none.</summary>
internal sealed class NameList : IShaped
{
    [JsonPropertyName("tags")]
    public IReadOnlyList<string?>? Tags { get; set; }

    [JsonPropertyName("repositories")]
    public IReadOnlyList<string?>? Repositories { get; set; }

    public void CheckShape(string path)
    {
        Shape.NoNullItems(Tags, Shape.Member(path, "tags"));
        Shape.NoNullItems(Repositories, Shape.Member(path, "repositories"));
    }
}
