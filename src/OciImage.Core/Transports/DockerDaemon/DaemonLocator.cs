using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// Finds the daemon as the docker CLI does: DOCKER_HOST, else the context named by DOCKER_CONTEXT or by
/// config.json's currentContext (its endpoint from contexts/meta/SHA256(NAME)/meta.json), else the platform's
/// default socket or pipe. The config folder is DOCKER_CONFIG, else ~/.docker.
/// </summary>
internal static class DaemonLocator
{
    /// <summary>Context files are small; a larger one is not read (a hostile config folder cannot make us read gigabytes).</summary>
    private const int MaxFileSize = 1024 * 1024;

    public static DaemonEndpoint Locate() => Locate(Environment.GetEnvironmentVariable, DefaultConfigFolder());

    public static DaemonEndpoint Locate(Func<string, string?> environment, string? configFolder)
    {
        var host = environment("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            var endpoint = DaemonEndpoint.Parse(host!, "DOCKER_HOST");

            // DOCKER_TLS_VERIFY (or DOCKER_TLS: OciImage always verifies the server) turns TLS on, as for the docker CLI.
            return !string.IsNullOrEmpty(environment("DOCKER_TLS_VERIFY")) || !string.IsNullOrEmpty(environment("DOCKER_TLS"))
                ? endpoint.WithTls(environment("DOCKER_CERT_PATH") is { Length: > 0 } certs ? certs : configFolder)
                : endpoint;
        }

        var context = environment("DOCKER_CONTEXT");
        var source = "DOCKER_CONTEXT";
        if (string.IsNullOrWhiteSpace(context) && configFolder is not null)
        {
            context = CurrentContext(Path.Combine(configFolder, "config.json"));
            source = "currentContext in " + Path.Combine(configFolder, "config.json");
        }

        if (string.IsNullOrWhiteSpace(context) || context == "default" || configFolder is null)
        {
            return DaemonEndpoint.Default;
        }

        return ContextEndpoint(configFolder, context!, source);
    }

    public static string? DefaultConfigFolder()
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (!string.IsNullOrEmpty(dir))
        {
            return dir;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".docker");
    }

    private static string? CurrentContext(string configPath)
    {
        // A config that is missing or not of the right shape names no context: the default applies, as credentials
        // from a broken config are ignored with a warning elsewhere.
        using var doc = TryReadJson(configPath);
        return doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty("currentContext", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;
    }

    private static DaemonEndpoint ContextEndpoint(string configFolder, string context, string source)
    {
        var meta = Path.Combine(configFolder, "contexts", "meta", Sha256Hex(context), "meta.json");
        var named = $"Docker context '{context}' ({source})";
        using var doc = TryReadJson(meta)
            ?? throw new DaemonUnreachableException("context " + context, named, $"its description {meta} is missing or unreadable; `docker context ls` lists the contexts there are");
        if (doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty("Endpoints", out var endpoints) && endpoints.ValueKind == JsonValueKind.Object
            && endpoints.TryGetProperty("docker", out var docker) && docker.ValueKind == JsonValueKind.Object
            && docker.TryGetProperty("Host", out var host) && host.ValueKind == JsonValueKind.String
            && host.GetString() is { Length: > 0 } text)
        {
            var endpoint = DaemonEndpoint.Parse(text, named);
            var tls = Path.Combine(configFolder, "contexts", "tls", Sha256Hex(context), "docker");
            return Directory.Exists(tls) ? endpoint.WithTls(tls) : endpoint;
        }

        throw new DaemonUnreachableException("context " + context, named, $"{meta} names no Endpoints.docker.Host");
    }

    private static JsonDocument? TryReadJson(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            // Bounded by the bytes read, not the size stat reports: a FIFO would block and /dev/zero behind a
            // symbolic link reports 0 bytes and never ends.
            var bytes = OciImage.Core.IO.BoundedRead.File(path, MaxFileSize, size => new IOException($"{path} is over {MaxFileSize} bytes"), reason => new IOException($"{path}: {reason}"));
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static string Sha256Hex(string text)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        var hex = new StringBuilder(64);
        foreach (var b in hash)
        {
            hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }
}
