using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace OciImage.Desktop.Tests.Support;

/// <summary>
/// The CNCF distribution registry (Debian's docker-registry) on 127.0.0.1 and a free port, without auth, storing
/// into a temp folder; stopped on dispose. A small copy of the test kit's RegistryServer, which targets .NET only.
/// </summary>
internal sealed class CncfRegistry : IDisposable
{
    private readonly TempFolder _temp = new("ociimage-desktop-registry");
    private readonly Process _process;

    public CncfRegistry()
    {
        Port = FreePort();
        var config = _temp.Combine("config.yml");
        File.WriteAllText(config,
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n" +
            $"storage:\n  filesystem:\n    rootdirectory: {_temp.Combine("data")}\n  delete:\n    enabled: true\n" +
            $"http:\n  addr: 127.0.0.1:{Port}\n  secret: test-secret\n");
        var info = new ProcessStartInfo("docker-registry", "serve \"" + config + "\"")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        WaitUntilReady();
    }

    public int Port { get; }

    public string Host => "127.0.0.1:" + Port;

    /// <summary>Where it is not installed: the registry test says so instead of passing.</summary>
    public static bool IsInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Any(folder => folder.Length > 0 && File.Exists(Path.Combine(folder, "docker-registry")));

    private void WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException("docker-registry did not listen within 30 s");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _temp.Dispose();
    }
}
