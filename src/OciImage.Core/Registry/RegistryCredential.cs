namespace OciImage.Core.Registry;

/// <summary>A user name and a secret (password, or an identity token when <see cref="IsIdentityToken"/>).</summary>
public sealed class RegistryCredential
{
    public RegistryCredential(string userName, string secret, bool isIdentityToken = false)
    {
        UserName = userName;
        Secret = secret;
        IsIdentityToken = isIdentityToken;
    }

    public string UserName { get; }

    /// <summary>Never logged, never shown.</summary>
    public string Secret { get; }

    public bool IsIdentityToken { get; }

    /// <summary>Where it came from, for -Verbose (never the secret).</summary>
    public string Source { get; init; } = "session";

    public override string ToString() => $"{UserName} (from {Source})";
}
