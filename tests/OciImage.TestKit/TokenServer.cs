using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit;

/// <summary>
/// A small Docker token server on 127.0.0.1: signs RS256 JWTs with a self-signed test certificate (sent as
/// x5c), which the registry is configured to trust, so the registry really validates every token. Users and
/// passwords are checked with basic auth; anonymous callers get pull only when <see cref="AnonymousPull"/>.
/// </summary>
public sealed class TokenServer : LoopbackHttpServer
{
    public const string Service = "test-registry";
    public const string Issuer = "test-issuer";

    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly Dictionary<string, string> _users = new();
    private int _tokensIssued;

    public TokenServer(string directory)
    {
        var request = new CertificateRequest("CN=OciImage test token issuer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CertificateBundlePath = Path.Combine(directory, "token-cert.pem");
        File.WriteAllText(CertificateBundlePath, _certificate.ExportCertificatePem());

        Start();
    }

    public string Realm => $"http://{Host}/token";

    public string CertificateBundlePath { get; }

    public bool AnonymousPull { get; set; } = true;

    /// <summary>When set, every token request is refused with this status (a token server that refuses).</summary>
    public HttpStatusCode? RefuseWith { get; set; }

    /// <summary>The tokens issued so far (to check caching).</summary>
    public int TokensIssued => _tokensIssued;

    /// <summary>Every token issued, to assert that none leaks into output.</summary>
    public List<string> IssuedTokens { get; } = new();

    public void AddUser(string user, string password) => _users[user] = password;

    /// <summary>A user the token server grants pull only, whatever is asked (the registry then answers insufficient_scope).</summary>
    public void AddReader(string user, string password)
    {
        _users[user] = password;
        _readers.Add(user);
    }

    private readonly HashSet<string> _readers = new();

    protected override void DisposeResources()
    {
        _key.Dispose();
        _certificate.Dispose();
    }

    protected override Task HandleAsync(HttpListenerContext context)
    {
        Handle(context);
        return Task.CompletedTask;
    }

    private void Handle(HttpListenerContext context)
    {
        if (RefuseWith is { } refusal)
        {
            context.Response.StatusCode = (int)refusal;
            return;
        }

        var subject = Authenticate(context.Request.Headers["Authorization"]);
        if (subject is null)
        {
            context.Response.StatusCode = 401;
            Write(context, "{\"details\":\"incorrect username or password\"}");
            return;
        }

        var access = new List<object>();
        foreach (var scope in (context.Request.QueryString.GetValues("scope") ?? Array.Empty<string>()).SelectMany(s => s.Split(' ')))
        {
            var parts = scope.Split(':');
            if (parts.Length < 3)
            {
                continue;
            }

            var requested = parts[^1].Split(',');
            var granted = subject == string.Empty
                ? requested.Where(a => a == "pull" && AnonymousPull).ToArray()
                : requested.Where(a => a == "pull" || (!_readers.Contains(subject) && a is "push" or "delete" or "*")).ToArray();
            access.Add(new { type = parts[0], name = string.Join(":", parts.Skip(1).Take(parts.Length - 2)), actions = granted });
        }

        var token = Sign(subject, access);
        Interlocked.Increment(ref _tokensIssued);
        lock (IssuedTokens)
        {
            IssuedTokens.Add(token);
        }

        Write(context, JsonSerializer.Serialize(new { token, access_token = token, expires_in = 300, issued_at = DateTime.UtcNow.ToString("o") }));
    }

    /// <summary>The user name, empty for anonymous, null for wrong credentials.</summary>
    private string? Authenticate(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return string.Empty;
        }

        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return null;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Substring(6))).Split(':', 2);
        return pair.Length == 2 && _users.TryGetValue(pair[0], out var password) && password == pair[1] ? pair[0] : null;
    }

    private string Sign(string subject, List<object> access)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new { alg = "RS256", typ = "JWT", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } };
        var claims = new { iss = Issuer, sub = subject, aud = Service, exp = now + 300, nbf = now - 10, iat = now, jti = Guid.NewGuid().ToString("N"), access };
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void Write(HttpListenerContext context, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.OutputStream.Write(bytes, 0, bytes.Length);
    }
}
