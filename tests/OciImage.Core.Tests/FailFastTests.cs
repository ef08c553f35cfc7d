using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Registry;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Failures that waiting cannot mend end in well under the 15 s of the default backoff, with the default
/// settings and real waits, saying what happened: a port nobody listens on, a host name that does not resolve.
/// </summary>
public sealed class FailFastTests
{
    [Fact]
    public async Task ARefusedConnectionFailsFastSayingSo()
    {
        var port = FreePort.Next();
        var client = TestClients.Client($"127.0.0.1:{port}");
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => client.PingAsync(CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.StartsWith($"Cannot reach 127.0.0.1:{port}: connection refused by 127.0.0.1:{port} (nothing listens on that port)", error.Message);
    }

    [Fact]
    public async Task AHostNameThatDoesNotResolveFailsFastSayingSo()
    {
        var client = TestClients.Client("registy.example.invalid");
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => client.PingAsync(CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains("the host name registy.example.invalid cannot be resolved", error.Message);
    }
}
