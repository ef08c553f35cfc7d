using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using OciImage.Core.Model;

namespace OciImage.Core.Registry;

/// <summary>A registry's error answer as the distribution spec has it: {"errors":[{"code","message","detail"}]}.</summary>
internal sealed class RegistryErrorBody : IShaped
{
    [JsonPropertyName("errors")]
    public IReadOnlyList<RegistryErrorEntry?>? Errors { get; set; }

    public void CheckShape(string path) => Shape.Each<RegistryErrorEntry>(Errors, Shape.Member(path, "errors"));
}

/// <summary>One error of an error answer; detail is free-form in the spec.</summary>
internal sealed class RegistryErrorEntry : IShaped
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("detail")]
    public JsonElement? Detail { get; set; }

    public void CheckShape(string path)
    {
    }
}
