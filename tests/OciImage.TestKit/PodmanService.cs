using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;

namespace OciImage.TestKit;

/// <summary>
/// A Docker Engine API for the docker-daemon: transport's tests: podman's compatible service
/// (<c>podman system service --time=0 unix://SOCK</c>) on a socket in its own temp folder, over a private
/// <see cref="ContainerStorage"/> (runc, cgroupfs), stopped by its own pid on dispose.
/// </summary>
public sealed class PodmanService : IDisposable
{
    private readonly Process _process;

    /// <param name="tcp">Listen on a free loopback TCP port instead of a Unix socket (to put TLS in front of it).</param>
    public PodmanService(bool tcp = false)
    {
        Storage = new ContainerStorage();
        Socket = Path.Combine(Storage.Path, "api.sock");
        TcpPort = tcp ? FreePort.Next() : null;
        var info = new ProcessStartInfo("podman") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in Storage.PodmanArguments("system", "service", "--time=0", DockerHost))
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        WaitUntilListening();
    }

    /// <summary>Whether this machine can run it (podman and runc installed).</summary>
    public static bool CanRun => ExternalTool.IsInstalled("podman") && ExternalTool.IsInstalled("runc");

    public ContainerStorage Storage { get; }

    /// <summary>The socket's path.</summary>
    public string Socket { get; }

    /// <summary>The TCP port it listens on, when asked for TCP.</summary>
    public int? TcpPort { get; }

    /// <summary>The endpoint as DOCKER_HOST writes it.</summary>
    public string DockerHost => TcpPort is { } port ? $"tcp://127.0.0.1:{port}" : "unix://" + Socket;

    public void Dispose()
    {
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
        Storage.Dispose();
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"podman system service exited {_process.ExitCode} before it listened");
            }

            if (TcpPort is { } port || File.Exists(Socket))
            {
                try
                {
                    using var probe = TcpPort is null
                        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                        : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    probe.Connect(TcpPort is { } p ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, p) : new UnixDomainSocketEndPoint(Socket));
                    return;
                }
                catch (SocketException)
                {
                }
            }

            Thread.Sleep(100);
        }

        Dispose();
        throw new InvalidOperationException("podman system service did not listen within 30 s");
    }
}
