using System.Text.Json.Serialization;
using OciImage.Core.Model;

namespace OciImage.Core.Layout;

/// <summary>A layout's oci-layout file: {"imageLayoutVersion": "1.0.0"}.</summary>
internal sealed class LayoutFile : IShaped
{
    /// <summary>More than any oci-layout file needs; a larger one is not read.</summary>
    public const int MaxSize = 64 * 1024;

    [JsonPropertyName("imageLayoutVersion")]
    public string? ImageLayoutVersion { get; set; }

    public void CheckShape(string path) => Shape.Required(ImageLayoutVersion, Shape.Member(path, "imageLayoutVersion"), "a version string");
}
