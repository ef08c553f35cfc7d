using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>The cmdlets against the real CNCF registry, with each kind of auth; skopeo is the referee.</summary>
public sealed class RegistryTests : IClassFixture<RegistryImages>
{
    private readonly RegistryImages _images;

    public RegistryTests(RegistryImages images) => _images = images;

    public static IEnumerable<object[]> AuthModes() => new[] { new object[] { RegistryAuth.None }, new object[] { RegistryAuth.Basic }, new object[] { RegistryAuth.Token } };

    [ToolTheory("docker-registry", "skopeo", "umoci", "htpasswd")]
    [MemberData(nameof(AuthModes))]
    public void ReadsWhatSkopeoPushedWithTheSameDigests(RegistryAuth auth)
    {
        var registry = _images.Registries[auth];
        using var host = new PowerShellHost();
        var cred = Credential(auth);
        var repo = $"{registry.Host}/team/app";

        var manifest = host.RunClean($"Get-OciManifest {repo}:v1 {cred}").Single();
        Assert.Equal(ReferenceImages.SkopeoDigest(_images.Layout, "v1"), manifest.Properties["Digest"].Value.ToString());
        Assert.Equal($"{repo}:v1@{ReferenceImages.SkopeoDigest(_images.Layout, "v1")}", manifest.Properties["Reference"].Value.ToString());

        var layers = host.RunClean($"Get-OciLayer {repo}:v2 {cred}");
        Assert.Equal(ReferenceImages.SkopeoLayers(_images.Layout, "v2"), layers.Select(l => l.Properties["Digest"].Value.ToString()));
        Assert.Equal("COPY app /app", layers.Single().Properties["CreatedBy"].Value);

        var index = host.RunClean($"Get-OciManifest {repo}:multi {cred}").Single();
        Assert.Equal("OciImage.OciIndex", index.BaseObject.GetType().FullName);
        var arm = host.RunClean($"Get-OciImageConfig {repo}:multi -Platform linux/arm64 {cred}").Single();
        Assert.Equal("linux/arm64", arm.Properties["Platform"].Value.ToString());

        var digest = host.RunClean($"Get-OciDigest {repo}:v2 {cred}").Single();
        Assert.Equal(ReferenceImages.SkopeoDigest(_images.Layout, "v2"), digest.Properties["Digest"].Value.ToString());

        var tags = host.RunClean($"Get-OciTag {repo} {cred}").Select(t => t.Properties["Tag"].Value.ToString()).OrderBy(t => t);
        Assert.Equal(new[] { "multi", "v1", "v2" }, tags);
        Assert.Contains("team/app", host.RunClean($"Get-OciRepository {registry.Host} {cred}").Select(r => r.Properties["Name"].Value.ToString()));
    }

    [ToolTheory("docker-registry", "skopeo", "umoci", "htpasswd")]
    [MemberData(nameof(AuthModes))]
    public void NoSecretAppearsInAnyStream(RegistryAuth auth)
    {
        var registry = _images.Registries[auth];
        using var host = new PowerShellHost();
        var repo = $"{registry.Host}/team/app";
        var cred = Credential(auth);
        using var temp = new TempDirectory();
        var script = $"$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $ProgressPreference = 'Continue'; "
            + $"Get-OciManifest {repo}:v1 {cred}; Get-OciTag {repo} {cred}; Get-OciLayer {repo}:v1 {cred}; Get-OciDigest {repo}:multi {cred}; "
            + $"Get-OciImageConfig {repo}:multi -Platform linux/arm64 {cred}; Get-OciLayerItem {repo}:v1 {cred}; Expand-OciImage {repo}:v2 '{temp.Combine("rootfs")}' {cred}; "
            + $"Get-OciRepository {registry.Host} {cred}; Test-OciImage {repo}:v1 -Deep {cred}; "
            + $"Get-OciManifest {repo}:missing {cred}; Get-OciTag {registry.Host}/nope/none {cred}; "
            + $"Get-OciManifest {repo}:v1 -Credential ([pscredential]::new('{RegistryServer.User}', (ConvertTo-SecureString -AsPlainText -Force 'wrong-pass-123')))";
        var result = host.Run(script.Replace("ConvertTo-SecureString -AsPlainText -Force 'wrong-pass-123'", "[System.Net.NetworkCredential]::new('', 'wrong-pass-123').SecurePassword"));
        Assert.NotEmpty(result.Verbose);
        Assert.Contains(result.Verbose, v => v.Contains("GET http://" + registry.Host + "/v2/team/app/manifests/v1"));
        // The missing tag and repository, and where the registry checks passwords the wrong one (a token fetched with
        // the right one is never reused for it: the token cache keys by a fingerprint of the secret, not the user name).
        var expected = new[] { "ManifestUnknown,OciImage.Commands.GetOciManifestCommand", "RepositoryUnknown,OciImage.Commands.GetOciTagCommand" }
            .Concat(auth != RegistryAuth.None ? new[] { "Unauthorized,OciImage.Commands.GetOciManifestCommand" } : Array.Empty<string>());
        Assert.Equal(expected, result.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.True(result.Output.Count >= 10, $"{result.Output.Count} output objects");
        var text = result.Everything;
        Assert.DoesNotContain(RegistryServer.Password, text);
        Assert.DoesNotContain("wrong-pass-123", text);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryServer.User}:{RegistryServer.Password}")), text);
        foreach (var token in registry.Tokens?.IssuedTokens.ToArray() ?? Array.Empty<string>())
        {
            Assert.DoesNotContain(token, text);
        }
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void WrongPasswordAndRefusingTokenServerAreUnauthorized()
    {
        using var host = new PowerShellHost();
        foreach (var auth in new[] { RegistryAuth.Basic, RegistryAuth.Token })
        {
            var registry = _images.Registries[auth];
            var error = Assert.Single(host.Run($"Get-OciManifest {registry.Host}/team/app:v1 -Credential ([pscredential]::new('{RegistryServer.User}', [System.Net.NetworkCredential]::new('', 'nope').SecurePassword))").Errors);
            Assert.Equal("Unauthorized,OciImage.Commands.GetOciManifestCommand", error.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", error.CategoryInfo.Category.ToString());

            // Anonymous: the basic registry refuses; the token server hands out anonymous pull tokens.
            var anonymous = host.Run($"Get-OciManifest {registry.Host}/team/app:v1");
            if (auth == RegistryAuth.Basic)
            {
                Assert.Equal("Unauthorized,OciImage.Commands.GetOciManifestCommand", Assert.Single(anonymous.Errors).FullyQualifiedErrorId);
            }
            else
            {
                Assert.Single(anonymous.Output);
            }
        }

        // A token server that refuses every request.
        var tokens = _images.Registries[RegistryAuth.Token].Tokens!;
        tokens.RefuseWith = System.Net.HttpStatusCode.Forbidden;
        try
        {
            var refused = host.Run($"Get-OciManifest {_images.Registries[RegistryAuth.Token].Host}/team/app:v2 {Credential(RegistryAuth.Token)}");
            var error = Assert.Single(refused.Errors);
            Assert.Equal("Unauthorized,OciImage.Commands.GetOciManifestCommand", error.FullyQualifiedErrorId);
            Assert.Contains("refused", error.ToString());
        }
        finally
        {
            tokens.RefuseWith = null;
        }

        var missing = host.Run($"Get-OciTag {_images.Registries[RegistryAuth.None].Host}/no/such");
        Assert.Equal("RepositoryUnknown,OciImage.Commands.GetOciTagCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        var noTag = host.Run($"Get-OciManifest {_images.Registries[RegistryAuth.None].Host}/team/app:nope");
        Assert.Equal("ManifestUnknown,OciImage.Commands.GetOciManifestCommand", Assert.Single(noTag.Errors).FullyQualifiedErrorId);
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void ConnectKeepsCredentialsForTheSessionAndDisconnectForgetsThem()
    {
        var registry = _images.Registries[RegistryAuth.Token];
        registry.Tokens!.AnonymousPull = false;
        try
        {
            ConnectAndDisconnect(registry);
        }
        finally
        {
            registry.Tokens.AnonymousPull = true;
        }
    }

    private static void ConnectAndDisconnect(RegistryServer registry)
    {
        using var host = new PowerShellHost();
        var wrong = host.Run($"Connect-OciRegistry {registry.Host} -Credential ([pscredential]::new('{RegistryServer.User}', [System.Net.NetworkCredential]::new('', 'bad').SecurePassword))");
        Assert.Equal("Unauthorized,OciImage.Commands.ConnectOciRegistryCommand", Assert.Single(wrong.Errors).FullyQualifiedErrorId);

        var connection = host.RunClean($"Connect-OciRegistry {registry.Host} {Credential(RegistryAuth.Token)} -PassThru").Single();
        Assert.Equal(RegistryServer.User, connection.Properties["UserName"].Value);
        Assert.Single(host.RunClean($"Get-OciManifest {registry.Host}/team/app:v1"));

        // Tokens are cached per scope: more reads of the same repository fetch no new token.
        var issued = registry.Tokens!.TokensIssued;
        host.RunClean($"Get-OciManifest {registry.Host}/team/app:v2; Get-OciDigest {registry.Host}/team/app:v1");
        Assert.Equal(issued, registry.Tokens.TokensIssued);

        // Another session in the same process does not see them.
        using (var other = new PowerShellHost())
        {
            Assert.Single(other.Run($"Get-OciManifest {registry.Host}/team/app:v1").Errors);
        }

        host.RunClean($"Disconnect-OciRegistry {registry.Host}");
        Assert.Single(host.Run($"Get-OciManifest {registry.Host}/team/app:v1").Errors);
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void TagUntagAndDeleteOnTheRegistry()
    {
        var registry = _images.Registries[RegistryAuth.Basic];
        var cred = Credential(RegistryAuth.Basic);
        var creds = new[] { "--creds", $"{RegistryServer.User}:{RegistryServer.Password}", "--tls-verify=false" };
        var repo = $"{registry.Host}/team/app";
        using var host = new PowerShellHost();
        var v1 = ReferenceImages.SkopeoDigest(_images.Layout, "v1");

        var tagged = host.RunClean($"Set-OciTag {repo}:v1 -Tag promoted, stable {cred}");
        Assert.Equal(2, tagged.Count);
        Assert.Contains(v1, ExternalTool.Run("skopeo", creds.Prepend("inspect").Append($"docker://{repo}:promoted").ToArray()));

        host.RunClean($"Remove-OciTag {repo}:promoted -Confirm:$false {cred}");
        Assert.NotEqual(0, ExternalTool.TryRun("skopeo", creds.Prepend("inspect").Append($"docker://{repo}:promoted").ToArray()).ExitCode);
        Assert.Contains(v1, ExternalTool.Run("skopeo", creds.Prepend("inspect").Append($"docker://{repo}:stable").ToArray()));

        // -WhatIf deletes nothing; then the delete by digest takes every tag of the image with it.
        host.RunClean($"Remove-OciManifest {repo}:stable -WhatIf {cred}");
        Assert.Contains(v1, ExternalTool.Run("skopeo", creds.Prepend("inspect").Append($"docker://{repo}:stable").ToArray()));
        host.RunClean($"Set-OciTag {repo}:v2 -Tag doomed {cred}; Remove-OciManifest {repo}:doomed -Confirm:$false {cred}");
        Assert.NotEqual(0, ExternalTool.TryRun("skopeo", creds.Prepend("inspect").Append($"docker://{repo}:v2").ToArray()).ExitCode);

        // Put v2 back for the other tests.
        registry.PushWithSkopeo($"oci:{_images.Layout}:v2", "team/app:v2");
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void RemovingATagFromARegistryThatRefusesDeletionLeavesTheTagOnItsImage()
    {
        // The CNCF registry as it ships (storage.delete.enabled off) refuses every DELETE with 405. Before the
        // fix, Remove-OciTag pointed the tag at its throwaway manifest, then failed to delete that: data loss.
        using var refusing = new RegistryServer(RegistryAuth.None, deleteEnabled: false);
        refusing.PushWithSkopeo($"oci:{_images.Layout}:v1", "team/app:one");
        var repo = $"{refusing.Host}/team/app";
        var v1 = ReferenceImages.SkopeoDigest(_images.Layout, "v1");
        using var host = new PowerShellHost();

        var result = host.Run($"Remove-OciTag {repo}:one -Confirm:$false");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("OperationNotSupported,", error.FullyQualifiedErrorId);
        Assert.Contains("storage.delete.enabled", error.ToString());
        Assert.Contains(v1, ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{repo}:one"));
        Assert.Equal(new[] { "one" }, host.RunClean($"Get-OciTag {repo}").Select(t => t.Properties["Tag"].Value.ToString()));

        var byDigest = host.Run($"Remove-OciManifest {repo}:one -Confirm:$false");
        Assert.StartsWith("OperationNotSupported,", Assert.Single(byDigest.Errors).FullyQualifiedErrorId);
        Assert.Contains(v1, ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{repo}:one"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void ConnectAsksForCredentialsWhenTheRegistryWantsSomeAndNoneWereFound()
    {
        var registry = _images.Registries[RegistryAuth.Basic];
        var secret = new System.Net.NetworkCredential(string.Empty, RegistryServer.Password).SecurePassword;
        string Script(string then) => $"$PSStyle.OutputRendering = 'PlainText'; Import-Module '{RepoPaths.ModuleFolder}'; Connect-OciRegistry {registry.Host}; {then}";

        // A host that can ask (an interactive console): asked once, and the answer is kept for the session.
        var asking = new CapturingHost(new System.Management.Automation.PSCredential(RegistryServer.User, secret));
        using (var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(asking, System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2()))
        {
            runspace.Open();
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            var tags = ps.AddScript(Script($"Get-OciTag {registry.Host}/team/app")).Invoke();
            Assert.True(ps.Streams.Error.Count == 0, string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));
            Assert.Equal(1, asking.CredentialPrompts);
            Assert.Contains("v1", tags.Select(t => t.Properties["Tag"].Value.ToString()));
        }

        // A host that cannot ask (-NonInteractive, a runbook): Unauthorized, as before, and no hang.
        var silent = new CapturingHost();
        using (var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(silent, System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2()))
        {
            runspace.Open();
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(Script("'done'")).Invoke();
            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("Unauthorized,", error.FullyQualifiedErrorId);
            Assert.Equal(1, silent.CredentialPrompts);
        }
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void SaveBlobWritesVerifiedLayers()
    {
        var registry = _images.Registries[RegistryAuth.Token];
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var files = host.RunClean($"Get-OciLayer {registry.Host}/team/app:v1 {Credential(RegistryAuth.Token)} | Save-OciBlob -Path '{temp.Path}' {Credential(RegistryAuth.Token)}");
        var file = (FileInfo)Assert.Single(files).BaseObject;
        var layer = ReferenceImages.SkopeoLayers(_images.Layout, "v1").Single();
        Assert.Equal(layer.Replace(":", "-"), file.Name);
        Assert.Equal(layer, "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file.FullName))).ToLowerInvariant());
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial"));

        var again = host.Run($"Save-OciBlob -Reference {registry.Host}/team/app -Digest {layer} -Path '{temp.Path}' {Credential(RegistryAuth.Token)}");
        Assert.Equal("FileSystemError,OciImage.Commands.SaveOciBlobCommand", Assert.Single(again.Errors).FullyQualifiedErrorId);
    }

    private static string Credential(RegistryAuth auth) => auth == RegistryAuth.None
        ? string.Empty
        : $"-Credential ([pscredential]::new('{RegistryServer.User}', [System.Net.NetworkCredential]::new('', '{RegistryServer.Password}').SecurePassword))";
}
