using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using OciImage.Core.IO;
using OciImage.Core.Model;

namespace OciImage.Core.Registry;

/// <summary>
/// Credentials as Docker keeps them: <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>, with
/// <c>credHelpers</c> (per registry), <c>credsStore</c> (default helper) and <c>auths</c> (base64 user:password
/// or identitytoken), under the key forms Docker writes (host, https://host, https://index.docker.io/v1/).
/// Read only: this class never writes the file.
/// </summary>
internal sealed class DockerConfigCredentials
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
            raw = BoundedRead.File(
                _configPath,
                DockerConfigFile.MaxSize,
                size => new NotReadable($"it is over {DockerConfigFile.MaxSize} bytes ({size} or more)"),
                why => new NotReadable(why));
        }
        catch (NotReadable ex)
        {
            _log.Warning($"Ignoring the docker config {_configPath}: {ex.Message}.");
            return null;
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

    /// <summary>How long a credential helper may take to answer.</summary>
    public TimeSpan HelperTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The PATH helpers are looked up on; null for the process's.</summary>
    internal string? SearchPath { get; init; }

    /// <summary>A helper's answer is a small JSON object; more than this on stdout is refused.</summary>
    internal const int MaximumHelperOutput = 1024 * 1024;

    /// <summary>What a helper may write to stderr (a message or two); more is refused.</summary>
    internal const int MaximumHelperErrorOutput = 64 * 1024;

    /// <summary>
    /// Runs docker-credential-NAME get with the server on stdin, found on PATH by <see cref="ProgramLookup"/>
    /// (never from the current directory) and run by <see cref="BoundedProcess"/>. Any failure of the helper
    /// (missing, a name that is not a program's, no answer in time, too much output, not a JSON object) warns and
    /// means anonymous access; an exit code other than 0 is "no credentials for this server".
    /// </summary>
    private RegistryCredential? RunHelper(string helper, string registry)
    {
        var program = "docker-credential-" + helper;
        var server = registry == Reference.DockerHub ? "https://index.docker.io/v1/" : registry;
        if (!ProgramLookup.IsSafeName(program))
        {
            _log.Warning($"The docker config names the credential helper '{Printable(helper)}', which is not a program name (letters, digits, '.', '_' and '-' only); going on without credentials for {registry}.");
            return null;
        }

        if (ProgramLookup.Find(program, SearchPath) is not { } path)
        {
            _log.Warning($"The docker config names the credential helper '{helper}', but {program} is not installed (not on PATH; the current directory is not searched); going on without credentials for {registry}.");
            return null;
        }

        BoundedProcess.Result result;
        try
        {
            result = BoundedProcess.Run(path, "get", server, HelperTimeout, MaximumHelperOutput, MaximumHelperErrorOutput);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            _log.Warning($"The credential helper {path} could not be started ({ex.Message}); going on without credentials for {registry}.");
            return null;
        }

        switch (result.Outcome)
        {
            case BoundedProcess.Outcome.TimedOut:
                _log.Warning($"The credential helper {path} did not answer within {HelperTimeout.TotalSeconds:0.#} s and was stopped; going on without credentials for {registry}.");
                return null;
            case BoundedProcess.Outcome.OutputTooLarge:
                _log.Warning($"The credential helper {path} wrote more than {MaximumHelperOutput / 1024} KiB to its output and was stopped; its answer is refused, going on without credentials for {registry}.");
                return null;
            case BoundedProcess.Outcome.ErrorOutputTooLarge:
                _log.Warning($"The credential helper {path} wrote more than {MaximumHelperErrorOutput / 1024} KiB to its error output and was stopped; its answer is refused, going on without credentials for {registry}.");
                return null;
        }

        if (result.ExitCode != 0)
        {
            // Helpers exit non-zero with "credentials not found" for registries they do not know.
            _log.Verbose($"The credential helper {program} has no credentials for {server}.");
            return null;
        }

        if (!OciJson.TryRead<CredentialHelperAnswer>(result.Output, out var answer, out var problem))
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

    /// <summary>A name from the config for a message: control characters shown as '?', at most 64 characters.</summary>
    private static string Printable(string text)
    {
        var chars = text.Length > 64 ? text.Substring(0, 64).ToCharArray() : text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }

    /// <summary>Why the config was not read (too large, not a file): a warning, then anonymous access.</summary>
    private sealed class NotReadable(string message) : Exception(message);
}
