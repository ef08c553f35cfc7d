using System.Collections.Generic;
using System.Text.Json.Serialization;
using OciImage.Core.Model;

namespace OciImage.Core.Registry;

/// <summary>
/// The members of a docker config.json that name credentials (others, such as proxies or HttpHeaders, are not
/// read). A file of another shape is ignored with a warning, as one that is not JSON is.
/// </summary>
internal sealed class DockerConfigFile : IShaped
{
    /// <summary>Far more than a config of hundreds of registries; a larger one is ignored with a warning, unread.</summary>
    public const int MaxSize = 4 * 1024 * 1024;

    [JsonPropertyName("auths")]
    public IReadOnlyDictionary<string, DockerAuthEntry?>? Auths { get; set; }

    [JsonPropertyName("credHelpers")]
    public IReadOnlyDictionary<string, string?>? CredHelpers { get; set; }

    [JsonPropertyName("credsStore")]
    public string? CredsStore { get; set; }

    /// <summary>An auths entry may be {} (Docker writes one for a credsStore login), but not null.</summary>
    public void CheckShape(string path)
    {
        Shape.NoNullValues(Auths, Shape.Member(path, "auths"));
        Shape.NoNullValues(CredHelpers, Shape.Member(path, "credHelpers"));
    }
}

/// <summary>One auths entry: base64 user:password, an identity token, or user and password apart.</summary>
internal sealed class DockerAuthEntry : IShaped
{
    [JsonPropertyName("auth")]
    public string? Auth { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("password")]
    public string? Password { get; set; }

    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; set; }

    public void CheckShape(string path)
    {
    }
}

/// <summary>A credential helper's answer to get: {"ServerURL","Username","Secret"}.</summary>
internal sealed class CredentialHelperAnswer : IShaped
{
    [JsonPropertyName("Username")]
    public string? Username { get; set; }

    [JsonPropertyName("Secret")]
    public string? Secret { get; set; }

    public void CheckShape(string path)
    {
    }
}
