using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Layers.Tar;
using OciImage.Core.Transports.DockerDaemon;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>The Docker Engine API client over a real API: podman's compatible service on a Unix socket.</summary>
public sealed class DockerDaemonClientTests
{
    [ToolFact("podman", "runc", "umoci", "skopeo")]
    public async Task LoadsAnArchiveAndSavesItBackByName()
    {
        using var temp = new TempDirectory("daemon-client");
        using var podman = new PodmanService();
        var layout = temp.Combine("layout");
        ReferenceImages.BuildWithUmoci(layout, "v1", "amd64", new Dictionary<string, string> { ["run"] = "hello" });
        var archive = temp.Combine("app.tar");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{layout}:v1", $"docker-archive:{archive}:example.org/team/app:1.0");

        var client = new DockerDaemonClient(DaemonEndpoint.Parse(podman.DockerHost, "the test"), NullEngineLog.Instance);
        Assert.True(await client.ApiVersionAsync(CancellationToken.None) >= DockerDaemonClient.MinimumApiVersion);
        await client.LoadAsync(async (body, token) =>
        {
            using var file = File.OpenRead(archive);
            await file.CopyToAsync(body, 81920, token);
        }, CancellationToken.None);

        Assert.Contains("example.org/team/app:1.0", await client.ImageNamesAsync(CancellationToken.None));
        var image = await client.InspectAsync("example.org/team/app:1.0", CancellationToken.None);
        Assert.StartsWith("sha256:", image!.Id);
        Assert.Null(await client.InspectAsync("example.org/team/nothing:here", CancellationToken.None));
        using var saved = await client.SaveAsync("example.org/team/app:1.0", CancellationToken.None);
        Assert.NotNull(saved);
        var names = new List<string>();
        using (var tar = new TarReader(saved!, reason => new InvalidDataException(reason)))
        {
            TarHeader? entry;
            while ((entry = tar.Next()) is not null)
            {
                names.Add(entry.Name);
            }
        }

        Assert.Contains("manifest.json", names);
    }

    [ToolFact("podman", "runc")]
    public async Task TlsToADaemonVerifiesItsCertificateAgainstCaPem()
    {
        using var temp = new TempDirectory("daemon-tls");
        using var podman = new PodmanService(tcp: true);
        using var front = new TlsFront(podman.TcpPort!.Value);
        var certs = temp.Combine("certs");
        Directory.CreateDirectory(certs);

        // Without the daemon's CA the handshake is refused: OciImage never skips verification.
        var host = DaemonEndpoint.Parse($"tcp://localhost:{front.Port}", "DOCKER_HOST");
        var refused = await Assert.ThrowsAsync<DaemonUnreachableException>(() => new DockerDaemonClient(host.WithTls(certs), NullEngineLog.Instance).ApiVersionAsync(CancellationToken.None));
        Assert.Contains("TLS handshake failed", refused.Message);

        File.WriteAllText(Path.Combine(certs, "ca.pem"), front.CertificatePem);
        var client = new DockerDaemonClient(host.WithTls(certs), NullEngineLog.Instance);
        Assert.True(await client.ApiVersionAsync(CancellationToken.None) >= DockerDaemonClient.MinimumApiVersion);
        Assert.Null(await client.InspectAsync("ocitest/nothing:here", CancellationToken.None));
        Assert.True(front.Handshakes >= 2);

        // The name must match too: the certificate is for localhost, not for 127.0.0.1.
        var byAddress = DaemonEndpoint.Parse($"tcp://127.0.0.1:{front.Port}", "DOCKER_HOST").WithTls(certs);
        await Assert.ThrowsAsync<DaemonUnreachableException>(() => new DockerDaemonClient(byAddress, NullEngineLog.Instance).ApiVersionAsync(CancellationToken.None));
    }

    [Fact]
    public void DockerTlsVerifyTurnsTlsOnWithTheCertPath()
    {
        var env = new Dictionary<string, string?> { ["DOCKER_HOST"] = "tcp://daemon.example:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = "/etc/docker-certs" };
        var located = DaemonLocator.Locate(n => env.GetValueOrDefault(n), null);
        Assert.True(located.Tls);
        Assert.Equal("/etc/docker-certs", located.CertificateFolder);
        env.Remove("DOCKER_TLS_VERIFY");
        Assert.False(DaemonLocator.Locate(n => env.GetValueOrDefault(n), null).Tls);
    }

    [Fact]
    public async Task NoSocketIsDaemonUnreachableNamingWhereAndHow()
    {
        using var temp = new TempDirectory("daemon-none");
        var client = new DockerDaemonClient(DaemonEndpoint.Parse("unix://" + temp.Combine("docker.sock"), "DOCKER_HOST"), NullEngineLog.Instance);
        var error = await Assert.ThrowsAsync<DaemonUnreachableException>(() => client.ApiVersionAsync(CancellationToken.None));
        Assert.Equal("DaemonUnreachable", error.ErrorId);
        Assert.Contains("there is no socket at " + temp.Combine("docker.sock"), error.Message);
        Assert.Contains("DOCKER_HOST", error.Message);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK", "not a Docker Engine API")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n", "not HTTP/1.1")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Filler: ENDLESS", "head is over 64 KiB")]
    public async Task SomethingElseAtTheEndpointIsNotTakenForADaemon(string answer, string expected)
    {
        // Whatever answers (a web server, sshd, a hostile endpoint with a head that never ends) is refused, bounded.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
            using var stream = peer.GetStream();
            var bytes = System.Text.Encoding.ASCII.GetBytes(answer.Replace("ENDLESS", new string('x', 200_000)));
            try
            {
                await stream.WriteAsync(bytes);
            }
            catch (IOException)
            {
                // The client stops reading once it has seen enough.
            }
        });
        var client = new DockerDaemonClient(DaemonEndpoint.Parse($"tcp://127.0.0.1:{port}", "DOCKER_HOST"), NullEngineLog.Instance);
        var error = await Assert.ThrowsAsync<DaemonUnreachableException>(() => client.ApiVersionAsync(CancellationToken.None));
        Assert.Contains(expected, error.Message);
        await serving;
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "DaemonUnreachable")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{}\r\n", "DaemonUnreachable")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nENDLESSX-Trailer: again\r\n", "DaemonUnreachable")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n{\"Id\":\"x\"}", "DaemonUnreachable")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "DaemonError")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n[ENDLESS[[[[[[[[[[[[[[[[", "DaemonError")]
    public async Task ABrokenAnswerBodyIsADaemonErrorNotARawException(string answer, string errorId)
    {
        // Bad chunk sizes, trailers without end, a body shorter than its length, not JSON: the daemon's ErrorIds, bounded.
        using var daemon = new HostileDaemon(answer);
        var client = new DockerDaemonClient(DaemonEndpoint.Parse(daemon.Host, "DOCKER_HOST"), NullEngineLog.Instance);
        var inspect = client.InspectAsync("x:latest", CancellationToken.None);
        Assert.Same(inspect, await Task.WhenAny(inspect, Task.Delay(TimeSpan.FromSeconds(30))));
        var error = await Assert.ThrowsAnyAsync<OciException>(() => inspect);
        Assert.Equal(errorId, error.ErrorId);
    }

    [Fact]
    public async Task CancellingClosesADaemonThatStopsMidAnswer()
    {
        // A head, then nothing: the socket's read does not watch the token, so cancelling must close the connection.
        using var daemon = new HostileDaemon("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{STALL");
        var client = new DockerDaemonClient(DaemonEndpoint.Parse(daemon.Host, "DOCKER_HOST"), NullEngineLog.Instance);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var inspect = client.InspectAsync("x:latest", cancel.Token);
        Assert.Same(inspect, await Task.WhenAny(inspect, Task.Delay(TimeSpan.FromSeconds(30))));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => inspect);
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("zero")]
    public void AContextDescriptionThatIsAPipeOrNeverEndsIsNotRead(string kind)
    {
        // meta.json as a FIFO blocked the open for ever; as a link to /dev/zero (stat says 0 bytes) it was read to OutOfMemory.
        using var temp = new TempDirectory("daemon-context-hostile");
        var config = temp.Combine("docker");
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("evil"))).ToLowerInvariant();
        var meta = Path.Combine(config, "contexts", "meta", hash);
        Directory.CreateDirectory(meta);
        var file = Path.Combine(meta, "meta.json");
        if (kind == "fifo")
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", file)!;
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        else
        {
            File.CreateSymbolicLink(file, "/dev/zero");
        }

        var env = new Dictionary<string, string?> { ["DOCKER_CONTEXT"] = "evil" };
        var locate = Task.Run(() => DaemonLocator.Locate(n => env.GetValueOrDefault(n), config));
        Assert.True(((IAsyncResult)locate).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "locating the daemon blocked on the context's description");
        var error = Assert.Throws<AggregateException>(() => locate.Wait()).InnerException;
        Assert.IsType<DaemonUnreachableException>(error);
    }

    [Fact]
    public async Task PlainTcpToAnotherHostIsRefusedBeforeAnyConnection()
    {
        var client = new DockerDaemonClient(DaemonEndpoint.Parse("tcp://192.0.2.10:2375", "DOCKER_HOST"), NullEngineLog.Instance);
        var error = await Assert.ThrowsAsync<DaemonUnreachableException>(() => client.ApiVersionAsync(CancellationToken.None));
        Assert.Contains("clear text", error.Message);
    }

    [Theory]
    [InlineData("ssh://user@host")]
    [InlineData("http://127.0.0.1:2375")]
    [InlineData("npipe://remote/pipe/docker")]
    [InlineData("unix://")]
    [InlineData("tcp://")]
    public void EndpointsOciImageCannotUseAreRefusedWithTheSetting(string host)
    {
        var error = Assert.Throws<DaemonUnreachableException>(() => DaemonEndpoint.Parse(host, "DOCKER_HOST"));
        Assert.Contains("DOCKER_HOST", error.Message);
    }

    [Fact]
    public void TheEndpointComesFromDockerHostThenTheContextThenTheDefault()
    {
        using var temp = new TempDirectory("daemon-context");
        var config = temp.Combine("docker");
        var env = new Dictionary<string, string?>();
        Assert.Equal(DaemonEndpoint.Default.Text, DaemonLocator.Locate(n => env.GetValueOrDefault(n), config).Text);

        // A context, as `docker context create remote --docker host=unix:///run/other.sock` writes it.
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "config.json"), "{\"currentContext\":\"remote\"}");
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("remote"))).ToLowerInvariant();
        var meta = Path.Combine(config, "contexts", "meta", hash);
        Directory.CreateDirectory(meta);
        File.WriteAllText(Path.Combine(meta, "meta.json"), "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":{\"Host\":\"unix:///run/other.sock\",\"SkipTLSVerify\":false}}}");
        var located = DaemonLocator.Locate(n => env.GetValueOrDefault(n), config);
        Assert.Equal("/run/other.sock", located.Address);
        Assert.Contains("remote", located.Source);

        env["DOCKER_CONTEXT"] = "missing";
        Assert.Throws<DaemonUnreachableException>(() => DaemonLocator.Locate(n => env.GetValueOrDefault(n), config));

        env["DOCKER_HOST"] = "unix:///tmp/x.sock";
        Assert.Equal("DOCKER_HOST", DaemonLocator.Locate(n => env.GetValueOrDefault(n), config).Source);
    }
}
