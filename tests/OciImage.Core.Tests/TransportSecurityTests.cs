using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Where credentials and plain HTTP may go, proxies, certificates, and the limits that are about time (the cap
/// on retry waits, the stall window, the layout lock's patience), checked at their documented values through an
/// injected clock or delay rather than by waiting. Hosts that are not on this machine are reserved names
/// (realm.invalid, registry.invalid) that a child process reaches only through HTTP_PROXY or HTTPS_PROXY, set to
/// a loopback <see cref="ProxyRecorder"/>: the HTTP clients read the proxy settings once per process, and nothing
/// here ever leaves 127.0.0.1.
/// </summary>
public sealed class TransportSecurityTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void APlainHttpRealmOffThisMachineGetsNoCredentials()
    {
        using var proxy = new ProxyRecorder();
        using var registry = new RecordingServer("127.0.0.1", Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}"), "application/json",
            new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer realm=\"http://realm.invalid/token\",service=\"svc\"" }, status: 401);
        var environment = new Dictionary<string, string?> { ["HTTP_PROXY"] = proxy.Url, ["HTTPS_PROXY"] = proxy.Url, ["NO_PROXY"] = "127.0.0.1" };

        var output = Ping(environment, registry.Host, "--user", "u", "--password", "p@ss-in-clear");
        var realm = Assert.Single(proxy.Requests);
        Assert.Equal("GET", realm.Method);
        Assert.StartsWith("http://realm.invalid/token?", realm.Target);
        Assert.Equal("realm.invalid", realm.Host);
        Assert.Null(realm.Authorization);
        Assert.Contains("log: WARNING: " + registry.Host + " announced a token realm over plain HTTP (realm.invalid); asking it anonymously", output);
        Assert.DoesNotContain("p@ss-in-clear", output);

        // The control: with -AllowInsecure the same realm is trusted with the credentials, so the recorder above
        // would have seen them had they been sent.
        var allowed = Ping(environment, registry.Host, "--user", "u", "--password", "p@ss-in-clear", "--allow-insecure");
        Assert.Equal(2, proxy.Requests.Count);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p@ss-in-clear")), proxy.Requests[1].Authorization);
        Assert.DoesNotContain("WARNING", allowed);
    }

    [Fact]
    public void PlainHttpOnlyForLoopbackOrWithAllowInsecure()
    {
        foreach (var (host, insecure, scheme) in new[]
        {
            ("127.0.0.1:5000", false, "http"), ("localhost:5000", false, "http"), ("[::1]:5000", false, "http"), ("127.9.9.9:5000", false, "http"),
            ("registry.invalid:5000", false, "https"), ("10.0.0.1:5000", false, "https"), ("localhost.invalid", false, "https"), ("registry.invalid", true, "http"),
        })
        {
            var client = TestClients.Client(host, new RegistryOptions { AllowInsecure = insecure });
            Assert.True(scheme == client.Transport.BaseUri.Scheme, $"{host} (AllowInsecure {insecure}) is {client.Transport.BaseUri.Scheme}, not {scheme}");
        }

        // What goes on the wire: without -AllowInsecure a host that is not loopback is only asked over TLS (a
        // CONNECT through HTTPS_PROXY); with it, in plain HTTP (through HTTP_PROXY).
        using var plain = new ProxyRecorder();
        using var tls = new ProxyRecorder();
        var environment = new Dictionary<string, string?> { ["HTTP_PROXY"] = plain.Url, ["HTTPS_PROXY"] = tls.Url, ["NO_PROXY"] = null };
        var refused = Ping(environment, "registry.invalid", "--user", "u", "--password", "secret-9");
        Assert.StartsWith("error RegistryUnreachable", refused.Split('\n').Last(l => l.Length > 0));
        Assert.Empty(plain.Requests);
        Assert.Equal(("CONNECT", "registry.invalid:443"), tls.Requests.Select(r => (r.Method, r.Target)).Single());

        var allowed = Ping(environment, "registry.invalid", "--allow-insecure");
        Assert.Equal("ok", allowed.Split('\n').Last(l => l.Length > 0));
        Assert.Equal(("GET", "http://registry.invalid/v2/"), plain.Requests.Select(r => (r.Method, r.Target)).Single());
        Assert.Single(tls.Requests);
    }

    [Fact]
    public void ProxiesFromTheEnvironmentAreHonouredAndNoProxyBypassesThem()
    {
        using var proxy = new ProxyRecorder();
        using var registry = new RecordingServer("127.0.0.1", Encoding.UTF8.GetBytes("{}"), "application/json");

        // HTTP_PROXY: the request goes to the proxy, in absolute form.
        var proxied = Ping(new Dictionary<string, string?> { ["HTTP_PROXY"] = proxy.Url, ["HTTPS_PROXY"] = null, ["NO_PROXY"] = null }, registry.Host);
        Assert.Equal("ok", proxied.Trim().Split('\n').Last());
        Assert.Equal($"http://{registry.Host}/v2/", Assert.Single(proxy.Requests).Target);
        Assert.Empty(registry.Requests);

        // NO_PROXY names the host: straight to it.
        var direct = Ping(new Dictionary<string, string?> { ["HTTP_PROXY"] = proxy.Url, ["HTTPS_PROXY"] = null, ["NO_PROXY"] = "example.invalid,127.0.0.1" }, registry.Host);
        Assert.Equal("ok", direct.Trim().Split('\n').Last());
        Assert.Single(proxy.Requests);
        Assert.Equal("/v2/", Assert.Single(registry.Requests).Path);
    }

    [Fact]
    public void ASelfSignedCertificateIsRefusedUnlessSkipCertificateCheck()
    {
        using var proxy = new ProxyRecorder(ProxyRecorder.SelfSigned("registry.invalid"));
        var environment = new Dictionary<string, string?> { ["HTTP_PROXY"] = null, ["HTTPS_PROXY"] = proxy.Url, ["NO_PROXY"] = null };

        var refused = Ping(environment, "registry.invalid", "--user", "u", "--password", "secret-7");
        Assert.StartsWith("error RegistryUnreachable: Cannot reach registry.invalid: The remote certificate is invalid", refused.Trim().Split('\n').Last());
        Assert.Contains("UntrustedRoot", refused);
        Assert.Equal(new[] { "CONNECT" }, proxy.Requests.Select(r => r.Method)); // nothing was sent inside the tunnel

        var skipped = Ping(environment, "registry.invalid", "--skip-certificate-check");
        Assert.Equal("ok", skipped.Trim().Split('\n').Last());
        var inside = proxy.Requests.Where(r => r.OverTls).Select(r => (r.Method, r.Target, r.Host)).Single();
        Assert.Equal(("GET", "/v2/", "registry.invalid"), inside);
    }

    [Theory]
    [InlineData("3600")]
    [InlineData("Fri, 31 Dec 2100 23:59:59 GMT")]
    public async Task NoRetryWaitsLongerThanTheCapWhateverRetryAfterSays(string retryAfter)
    {
        using var busy = new RecordingServer("127.0.0.1", Encoding.UTF8.GetBytes("{}"), "application/json",
            new Dictionary<string, string> { ["Retry-After"] = retryAfter }, status: 503);
        var waits = new List<TimeSpan>();
        var defaults = new RegistryOptions();
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.MaximumRetryDelay);
        var options = new RegistryOptions { Clock = new TestClock(waits.Add) };
        var client = TestClients.Client(busy.Host, options);
        var error = await Assert.ThrowsAsync<RegistryErrorException>(() => client.PingAsync(None));
        Assert.Contains("503", error.Message);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromSeconds(60), defaults.MaximumRetryCount), waits);
        Assert.Equal(defaults.MaximumRetryCount + 1, busy.Requests.Count);
    }

    [Fact]
    public async Task AStalledBodyIsCutAfterTheDefaultWindow()
    {
        // Headers, one byte of a 1000-byte manifest, then nothing: the default window (30 s, 32 KiB) is armed;
        // the test ends the window itself instead of waiting 30 s.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var host = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            await stream.ReadAsync(buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: 1000\r\n\r\n{"));
            await Task.Delay(TimeSpan.FromSeconds(20));
        });
        var engineClock = new TestClock { HoldDeadlines = true };
        var armed = engineClock.Deadlines;
        try
        {
            // A one-connection server: the scheme is named, so no TLS probe takes its one connection.
            var store = TestClients.Store(host, "slow/app", new RegistryOptions { MaximumRetryCount = 0, Scheme = "http", Clock = engineClock });
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var reading = store.GetManifestAsync(Reference.Parse($"{host}/slow/app:v1"), None);
            while (!reading.IsCompleted && armed.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(20);
            }

            var (window, deadline) = Assert.Single(armed);
            Assert.Equal(TimeSpan.FromSeconds(30), window);
            Assert.False(reading.IsCompleted);
            deadline.Cancel();
            var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => reading);
            Assert.Contains("the response body stalled: less than 32 KiB in 30 s", error.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task ALayoutLockedByAnotherWriterIsLayoutLockedAfterAMinute()
    {
        using var temp = new TempDirectory();
        var clock = new TestClock();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"), clock);
        var start = clock.UtcNow;

        // Another writer holds the lock (an exclusive open, as a second process's would be).
        using (new FileStream(Path.Combine(store.Root, OciLayoutStore.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var error = await Assert.ThrowsAsync<LayoutLockedException>(() => store.PutManifestAsync(SampleManifests.Tiny("locked"), "locked", None));
            Assert.Equal("LayoutLocked", error.ErrorId);
            var waited = clock.UtcNow - start;
            Assert.True(waited >= TimeSpan.FromSeconds(60) && waited < TimeSpan.FromSeconds(60.1), $"gave up after {waited.TotalSeconds} s");
            Assert.True(clock.Delays > 1000, $"{clock.Delays} attempts");
        }

        // Released: the same write goes through at once.
        start = clock.UtcNow;
        await store.PutManifestAsync(SampleManifests.Tiny("locked"), "locked", None);
        Assert.Equal(start, clock.UtcNow);
    }

    /// <summary>Runs <c>OciImage.TestKit ping</c> in a child process with this environment; returns its output.</summary>
    private static string Ping(IDictionary<string, string?> environment, string host, params string[] flags)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "OciImage.TestKit.dll");
        var result = ExternalTool.TryRunWith(environment, "dotnet", new[] { "exec", program, "ping", host }.Concat(flags).ToArray());
        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        return result.StdOut;
    }
}
