using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using OciImage.Core.Model;

namespace OciImage.Core.Registry;

/// <summary>
/// Credentials as Docker keeps them: <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>, with
/// <c>credHelpers</c> (per registry), <c>credsStore</c> (default helper) and <c>auths</c> (base64 user:password
/// or identitytoken), under the key forms Docker writes (host, https://host, https://index.docker.io/v1/).
/// Read only: this class never writes the file.
/// </summary>
public sealed class DockerConfigCredentials
{
    private readonly string? _configPath;
    private readonly IEngineLog _log;

    public DockerConfigCredentials(string? configPath, IEngineLog log)
    {
        _configPath = configPath;
        _log = log;
    }

    /// <summary>The config file Docker would use: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.</summary>
    public static string? DefaultPath()
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(dir))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }

            dir = Path.Combine(home, ".docker");
        }

        return Path.Combine(dir, "config.json");
    }

    /// <summary>
    /// The credential for a repository of a registry, or null for anonymous. As containers-auth.json(5) reads
    /// <c>auths</c>: a key names a host or a host and repository path, matches only on whole path components,
    /// and the most specific key wins (example.org/team/app, then example.org/team, then example.org).
    /// </summary>
    public RegistryCredential? Find(string registry, string? repository = null)
    {
        if (_configPath is null || !File.Exists(_configPath))
        {
            return null;
        }

        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(_configPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.Warning($"Ignoring the docker config {_configPath}: it cannot be read ({ex.GetType().Name}).");
            return null;
        }

        // Through the shape layer: a config that is not JSON, or not of docker's shape ([] , "auths": [], an entry
        // of the wrong type), is ignored with a warning and the registry is asked anonymously.
        if (!OciJson.TryRead<DockerConfigFile>(raw, out var config, out var problem))
        {
            _log.Warning($"Ignoring the docker config {_configPath}: it is not a docker config ({problem}).");
            return null;
        }

        var host = NormaliseHost(registry);
        if (config!.CredHelpers is { } helpers)
        {
            foreach (var entry in helpers)
            {
                if (NormaliseKey(entry.Key) == host)
                {
                    return RunHelper(entry.Value!, registry);
                }
            }
        }

        if (config.Auths is { } auths)
        {
            // Most specific first: the longest key that is the repository or one of its parents.
            var wanted = repository is { Length: > 0 } ? host + "/" + repository : host;
            var matches = auths
                .Select(e => (Key: NormaliseKey(e.Key), Entry: e.Value!))
                .Where(m => wanted == m.Key || wanted.StartsWith(m.Key + "/", StringComparison.Ordinal))
                .OrderByDescending(m => m.Key.Length);
            foreach (var match in matches)
            {
                var found = FromAuthEntry(match.Entry);
                if (found is not null)
                {
                    return found;
                }
            }
        }

        if (config.CredsStore is { Length: > 0 } storeName)
        {
            return RunHelper(storeName, registry);
        }

        return null;
    }

    /// <summary>Docker Hub goes by several names; they all mean docker.io. Host names are case-insensitive.</summary>
    private static string NormaliseHost(string host)
    {
        var h = host.ToLowerInvariant();
        return h is "index.docker.io" or "registry-1.docker.io" ? Reference.DockerHub : h;
    }

    /// <summary>
    /// A key as the host, or host/path, it stands for. Keys with a scheme ("https://index.docker.io/v1/") and
    /// keys whose path is the API version ("host:5000/v2/") name the host, as Docker reads them; a trailing
    /// slash is dropped.
    /// </summary>
    private static string NormaliseKey(string key)
    {
        var k = key.Trim();
        var scheme = k.IndexOf("://", StringComparison.Ordinal);
        var hadScheme = scheme >= 0;
        if (hadScheme)
        {
            k = k.Substring(scheme + 3);
        }

        k = k.TrimEnd('/');
        var slash = k.IndexOf('/');
        if (slash < 0)
        {
            return NormaliseHost(k);
        }

        var host = NormaliseHost(k.Substring(0, slash));
        var path = k.Substring(slash + 1);
        return hadScheme || path is "v1" or "v2" ? host : host + "/" + path;
    }

    private RegistryCredential? FromAuthEntry(DockerAuthEntry entry)
    {
        if (entry.IdentityToken is { Length: > 0 } token)
        {
            return new RegistryCredential(entry.Username ?? "<token>", token, isIdentityToken: true) { Source = "docker config identitytoken" };
        }

        if (entry.Auth is { Length: > 0 } encoded)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                var colon = pair.IndexOf(':');
                if (colon > 0)
                {
                    return new RegistryCredential(pair.Substring(0, colon), pair.Substring(colon + 1)) { Source = "docker config" };
                }
            }
            catch (FormatException)
            {
            }

            _log.Warning("An 'auth' entry in the docker config is not base64 of user:password; it was ignored.");
            return null;
        }

        if (entry.Username is { } name && entry.Password is { } password)
        {
            return new RegistryCredential(name, password) { Source = "docker config" };
        }

        return null;
    }

    /// <summary>Runs docker-credential-NAME get with the server on stdin; a missing helper warns and means anonymous.</summary>
    private RegistryCredential? RunHelper(string helper, string registry)
    {
        var program = "docker-credential-" + helper;
        var server = registry == Reference.DockerHub ? "https://index.docker.io/v1/" : registry;
        try
        {
            var info = new ProcessStartInfo(program, "get")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
            };
            using var process = Process.Start(info)!;
            process.StandardInput.Write(server);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                _log.Warning($"The credential helper {program} did not answer within 30 s; going on without credentials.");
                return null;
            }

            if (process.ExitCode != 0)
            {
                // Helpers exit non-zero with "credentials not found" for registries they do not know.
                _log.Verbose($"The credential helper {program} has no credentials for {server}.");
                return null;
            }

            if (!OciJson.TryRead<CredentialHelperAnswer>(Encoding.UTF8.GetBytes(output), out var answer, out var problem))
            {
                _log.Warning($"The credential helper {program} answered something that is not a credential ({problem}); going on without credentials.");
                return null;
            }

            var user = answer!.Username ?? string.Empty;
            var secret = answer.Secret ?? string.Empty;
            if (secret.Length == 0)
            {
                return null;
            }

            return new RegistryCredential(user, secret, isIdentityToken: user == "<token>") { Source = "credential helper " + helper };
        }
        catch (System.ComponentModel.Win32Exception)
        {
            _log.Warning($"The docker config names the credential helper '{helper}', but {program} is not installed; going on without credentials for {registry}.");
            return null;
        }
    }
}
