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

    public PodmanService()
    {
        Storage = new ContainerStorage();
        Socket = Path.Combine(Storage.Path, "api.sock");
        var info = new ProcessStartInfo("podman") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in Storage.PodmanArguments("system", "service", "--time=0", "unix://" + Socket))
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

    /// <summary>The endpoint as DOCKER_HOST writes it.</summary>
    public string DockerHost => "unix://" + Socket;

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

            if (File.Exists(Socket))
            {
                try
                {
                    using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    probe.Connect(new UnixDomainSocketEndPoint(Socket));
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
