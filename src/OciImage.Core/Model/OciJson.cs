using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OciImage.Core.Model;

/// <summary>The one set of JSON options for spec documents: compact, no escaping of '+' in media types.</summary>
public static class OciJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
    };
}
