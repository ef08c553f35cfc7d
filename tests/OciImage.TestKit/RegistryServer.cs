using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Threading;

namespace OciImage.TestKit;

public enum RegistryAuth
{
    None,
    Basic,
    Token,
}

/// <summary>
/// The CNCF distribution registry (Debian's docker-registry) on 127.0.0.1, a free port and a temp directory,
/// without auth, with htpasswd basic auth, or with token auth against <see cref="TokenServer"/>. Stopped and
/// deleted on dispose.
/// </summary>
public sealed class RegistryServer : IDisposable
{
    public const string User = "ociuser";
    public const string Password = "s3cret-Pa55word";

    private readonly TempDirectory _temp = new("ociregistry");
    private readonly Process _process;
    private readonly PosixSignalRegistration[] _onSignals;
    private int _disposed;

    /// <param name="tls">Serve https only, with a self-signed certificate for localhost (a port-forward to a TLS registry).</param>
    /// <param name="deleteEnabled">
    /// false starts the registry as it ships: storage.delete.enabled off, so every DELETE is refused with 405.
    /// </param>
    public RegistryServer(RegistryAuth auth = RegistryAuth.None, bool tls = false, bool deleteEnabled = true)
    {
        Auth = auth;
        Tls = tls;
        Port = FreePort.Next();
        var authBlock = string.Empty;
        if (auth == RegistryAuth.Basic)
        {
            var htpasswd = _temp.Combine("htpasswd");
            ExternalTool.Run("htpasswd", "-Bbc", htpasswd, User, Password);
            authBlock = $"auth:\n  htpasswd:\n    realm: test-realm\n    path: {htpasswd}\n";
        }
        else if (auth == RegistryAuth.Token)
        {
            Tokens = new TokenServer(_temp.Path);
            Tokens.AddUser(User, Password);
            authBlock = $"auth:\n  token:\n    realm: {Tokens.Realm}\n    service: {TokenServer.Service}\n    issuer: {TokenServer.Issuer}\n    rootcertbundle: {Tokens.CertificateBundlePath}\n";
        }

        var tlsBlock = string.Empty;
        if (tls)
        {
            using var certificate = ProxyRecorder.SelfSigned("localhost");
            File.WriteAllText(_temp.Combine("cert.pem"), certificate.ExportCertificatePem());
            File.WriteAllText(_temp.Combine("key.pem"), System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPrivateKey(certificate)!.ExportPkcs8PrivateKeyPem());
            tlsBlock = $"  tls:\n    certificate: {_temp.Combine("cert.pem")}\n    key: {_temp.Combine("key.pem")}\n";
        }

        var config = _temp.Combine("config.yml");
        File.WriteAllText(config,
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n" +
            $"storage:\n  filesystem:\n    rootdirectory: {_temp.Combine("data")}\n  delete:\n    enabled: {(deleteEnabled ? "true" : "false")}\n" +
            $"http:\n  addr: 127.0.0.1:{Port}\n  secret: test-secret\n" + tlsBlock + authBlock);

        var info = new ProcessStartInfo("docker-registry") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();

        // A run stopped by SIGTERM or SIGINT (a CI timeout, `kill`, Ctrl+C) or one that never disposed this still
        // stops its registry: a registry left behind would hold its port and folder. The signals go on to end the
        // process as they would have.
        AppDomain.CurrentDomain.ProcessExit += StopOnExit;
        _onSignals = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }.Select(signal => PosixSignalRegistration.Create(signal, _ => Dispose())).ToArray();
        WaitUntilReady();
    }

    private void StopOnExit(object? sender, EventArgs e) => Dispose();

    public RegistryAuth Auth { get; }

    public int Port { get; }

    /// <summary>True when it speaks https only.</summary>
    public bool Tls { get; }

    /// <summary>host:port, as references name it.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public TokenServer? Tokens { get; }

    /// <summary>The registry's storage root (its filesystem driver's rootdirectory).</summary>
    public string DataDirectory => _temp.Combine("data");

    /// <summary>
    /// The upload sessions the registry holds open for a repository: the folders under its _uploads directory with
    /// a startedat file (one a POST; kept with its data until the upload completes or is cancelled, else until the
    /// registry's purge). distribution 2.x rewrites an empty hashstates/ folder into a session it has just cancelled
    /// (its writer's Close after Cancel); that husk holds no session (GET and DELETE on it answer 404) and is not counted.
    /// </summary>
    public string[] OpenUploads(string repository)
    {
        var uploads = Path.Combine(DataDirectory, "docker", "registry", "v2", "repositories", repository, "_uploads");
        return Directory.Exists(uploads)
            ? Array.FindAll(Directory.GetDirectories(uploads), d => File.Exists(Path.Combine(d, "startedat")))
            : Array.Empty<string>();
    }

    /// <summary>skopeo's credential flags for this registry.</summary>
    public string[] SkopeoCredentials(string flag = "--dest-creds") =>
        Auth == RegistryAuth.None ? Array.Empty<string>() : new[] { flag, $"{User}:{Password}" };

    /// <summary>Pushes a layout image here with skopeo, so the registry holds what an independent client wrote.</summary>
    public void PushWithSkopeo(string layoutReference, string repositoryAndTag)
    {
        var args = new System.Collections.Generic.List<string> { "copy", "--quiet", "--dest-tls-verify=false" };
        args.AddRange(SkopeoCredentials());
        args.Add(layoutReference);
        args.Add($"docker://{Host}/{repositoryAndTag}");
        ExternalTool.Run("skopeo", args.ToArray());
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        foreach (var registration in _onSignals)
        {
            registration.Dispose();
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        Tokens?.Dispose();
        _temp.Dispose();
    }

    private void WaitUntilReady()
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}");
            }

            try
            {
                using var response = http.GetAsync($"{(Tls ? "https" : "http")}://{Host}/v2/").GetAwaiter().GetResult();
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (System.Threading.Tasks.TaskCanceledException)
            {
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException("docker-registry did not start within 15 s");
    }
}
