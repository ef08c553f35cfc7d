using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OciImage.Core.Model;

namespace OciImage.Core.Registry;

/// <summary>A token server's answer (distribution's token spec): token or access_token, and expires_in in seconds.</summary>
internal sealed class TokenAnswer : IShaped
{
    /// <summary>The lifetime assumed when the answer gives none (the token spec's default).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);

    [JsonPropertyName("token")]
    public string? Token { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    /// <summary>Read when it is a positive whole number; anything else means the default, as Docker reads it.</summary>
    [JsonPropertyName("expires_in")]
    public JsonElement? ExpiresIn { get; set; }

    /// <summary>The token: token, else access_token; null when neither is a non-empty string.</summary>
    [JsonIgnore]
    public string? Value => !string.IsNullOrEmpty(Token) ? Token : !string.IsNullOrEmpty(AccessToken) ? AccessToken : null;

    [JsonIgnore]
    public TimeSpan Lifetime =>
        ExpiresIn is { ValueKind: JsonValueKind.Number } e && e.TryGetInt32(out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : DefaultLifetime;

    /// <summary>Reads an answer through the shape layer; <paramref name="error"/> makes the Unauthorized error.</summary>
    public static TokenAnswer Parse(string body, ShapeError error) => Parse(Encoding.UTF8.GetBytes(body), error);

    public static TokenAnswer Parse(byte[] body, ShapeError error) => OciJson.Read<TokenAnswer>(body, error);

    /// <summary>A token goes into an Authorization header: visible ASCII only (RFC 6750's b64token is narrower still).</summary>
    public void CheckShape(string path)
    {
        foreach (var (name, value) in new[] { ("token", Token), ("access_token", AccessToken) })
        {
            if (value is not null && value.Any(c => c < 0x21 || c > 0x7E))
            {
                throw new JsonShapeException(Shape.Member(path, name), "holds characters an HTTP header cannot carry (only visible ASCII)");
            }
        }
    }
}
