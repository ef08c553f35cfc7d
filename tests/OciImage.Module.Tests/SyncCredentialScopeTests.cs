using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// A saved plan is data someone else may have edited: an item whose source is a stranger's registry must not
/// get the login given for the plan's real source. One -SourceCredential (or -DestinationCredential) goes to
/// one registry; a plan or mapping that spans several is refused before any request.
/// </summary>
public sealed class SyncCredentialScopeTests
{
    private const string Credential = "([pscredential]::new('mirror-bot', [System.Net.NetworkCredential]::new('', 'Hub-Secret-42').SecurePassword))";

    private static readonly Dictionary<string, string> AskForBasic = new() { ["WWW-Authenticate"] = "Basic realm=\"registry\"" };

    [Fact]
    public void APlanItemOnAStrangersRegistryDoesNotGetTheSourceLogin()
    {
        using var honest = new RecordingServer("127.0.0.1", Encoding.ASCII.GetBytes("{}"), "application/json", AskForBasic, 401);
        using var stranger = new RecordingServer("127.0.0.1", Encoding.ASCII.GetBytes("{}"), "application/json", AskForBasic, 401);
        using var temp = new TempDirectory();
        var digest = "sha256:" + new string('a', 64);
        var plan = $$"""
            [
              { "FormatVersion": 1, "Action": "Copy", "Source": "{{honest.Host}}/team/app:1", "SourceDigest": "{{digest}}", "Destination": "oci:{{temp.Combine("out")}}:1" },
              { "FormatVersion": 1, "Action": "Copy", "Source": "{{stranger.Host}}/team/app:1", "SourceDigest": "{{digest}}", "Destination": "oci:{{temp.Combine("out")}}:2" }
            ]
            """;
        File.WriteAllText(temp.Combine("plan.json"), plan);
        using var host = new PowerShellHost();

        var fromFile = host.Run($"Sync-OciRepository -PlanPath '{temp.Combine("plan.json")}' -SourceCredential {Credential}");
        var refusal = Assert.Single(fromFile.Errors);
        Assert.StartsWith("InvalidSyncPlan,", refusal.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(stranger.Host, refusal.ToString(), StringComparison.Ordinal);

        // The same from parameters: two registries under one prefix, one login.
        var mapped = host.Run($"Sync-OciRepository {honest.Host}/team/app, {stranger.Host}/team/app 'oci:{temp.Combine("mirror")}/' -SourceCredential {Credential}");
        Assert.Contains(mapped.Errors, e => e.FullyQualifiedErrorId.StartsWith("InvalidSyncMapping,", StringComparison.Ordinal));

        lock (stranger.Requests)
        {
            Assert.Empty(stranger.Requests); // not a request, let alone the login
        }

        Assert.False(Directory.Exists(temp.Combine("out")));
        Assert.False(Directory.Exists(temp.Combine("mirror")));

        // One registry's plan still takes its login (and the honest registry is asked with it).
        File.WriteAllText(temp.Combine("one.json"), plan.Split('\n')[0] + "\n" + plan.Split('\n')[1].TrimEnd().TrimEnd(',') + "\n]");
        var one = host.Run($"Sync-OciRepository -PlanPath '{temp.Combine("one.json")}' -SourceCredential {Credential}");
        Assert.DoesNotContain(one.Errors, e => e.FullyQualifiedErrorId.StartsWith("InvalidSyncPlan,", StringComparison.Ordinal));
        lock (honest.Requests)
        {
            Assert.Contains(honest.Requests, r => r.Authorization is { } a && a.StartsWith("Basic ", StringComparison.Ordinal));
        }
    }
}
