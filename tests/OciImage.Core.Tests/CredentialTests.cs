using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Registry;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

public class AuthChallengeTests
{
    [Fact]
    public void ParsesBearerAndBasicChallenges()
    {
        var bearer = AuthChallenge.Parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\"")!;
        Assert.True(bearer.IsBearer);
        Assert.Equal("https://auth.example.com/token", bearer.Realm);
        Assert.Equal("registry.example.com", bearer.Service);
        Assert.Equal("repository:a/b:pull,push", bearer.Scope);

        var basic = AuthChallenge.Parse("Basic realm=test-realm")!;
        Assert.True(basic.IsBasic);
        Assert.Equal("test-realm", basic.Realm);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("=")]
    [InlineData("realm=x")]
    public void IgnoresWhatIsNotAChallenge(string? header) => Assert.Null(AuthChallenge.Parse(header));

    [Fact]
    public void SurvivesOddInput()
    {
        foreach (var header in new[] { "Bearer", "Bearer realm=\"unterminated", "Bearer ,,,", "Bearer a=\"\\\"q\\\"\", b", "Bearer =x" })
        {
            var parsed = AuthChallenge.Parse(header);
            Assert.True(parsed is { IsBearer: true, IsBasic: false }, header);
        }
    }
}

/// <summary>Credentials as Docker writes them; the file is only read.</summary>
public class DockerConfigCredentialsTests
{
    [Fact]
    public void ReadsAuthsUnderEveryKeyFormDockerWrites()
    {
        using var temp = new TempDirectory();
        var config = temp.Combine("config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("hub-user:hub:pass"));
        var other = Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p"));
        File.WriteAllText(config,
            "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"}," +
            "\"http://registry.example.com:5000/v2/\":{\"auth\":\"" + other + "\"}," +
            "\"ghcr.io\":{\"identitytoken\":\"refresh-me\"}}}");
        var before = File.GetLastWriteTimeUtc(config);
        var credentials = new DockerConfigCredentials(config, new RecordingLog());

        var hub = credentials.Find("docker.io")!;
        Assert.Equal("hub-user", hub.UserName);
        Assert.Equal("hub:pass", hub.Secret);
        Assert.Equal("u", credentials.Find("registry.example.com:5000")!.UserName);
        Assert.True(credentials.Find("ghcr.io")!.IsIdentityToken);
        Assert.Null(credentials.Find("quay.io"));
        Assert.Equal(before, File.GetLastWriteTimeUtc(config));
        Assert.DoesNotContain("hub:pass", hub.ToString());
    }

    [Fact]
    public void AKeyWithAPathServesThatRepositoryAndWhatIsBelowIt()
    {
        // containers-auth.json(5): whole path components, the most specific key first.
        using var temp = new TempDirectory();
        var config = temp.Combine("config.json");
        string Auth(string user) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":pw"));
        File.WriteAllText(config,
            "{\"auths\":{\"example.org/repo\":{\"auth\":\"" + Auth("repo-user") + "\"}," +
            "\"example.org\":{\"auth\":\"" + Auth("host-user") + "\"}," +
            "\"example.org/team/app\":{\"auth\":\"" + Auth("app-user") + "\"}," +
            "\"example.org/team\":{\"auth\":\"" + Auth("team-user") + "\"}," +
            "\"other.org/team\":{\"auth\":\"" + Auth("other-team") + "\"}," +
            "\"v2host:5000/v2/\":{\"auth\":\"" + Auth("v2-user") + "\"}," +
            "\"https://docker.io/v1/\":{\"auth\":\"" + Auth("hub-user") + "\"}," +
            "\"docker.io/myorg\":{\"auth\":\"" + Auth("org-user") + "\"}}}");
        var credentials = new DockerConfigCredentials(config, new RecordingLog());
        string? User(string registry, string? repository) => credentials.Find(registry, repository)?.UserName;

        Assert.Equal("repo-user", User("example.org", "repo"));
        Assert.Equal("repo-user", User("example.org", "repo/sub"));
        Assert.Equal("host-user", User("example.org", "h/one"));
        Assert.Equal("host-user", User("example.org", "repository"));
        Assert.Equal("host-user", User("example.org", "repo-other"));
        Assert.Equal("app-user", User("example.org", "team/app"));
        Assert.Equal("team-user", User("example.org", "team/web"));
        Assert.Equal("host-user", User("example.org", "teams/app"));
        Assert.Equal("host-user", User("example.org", null));
        Assert.Null(User("other.org", "teamx"));
        Assert.Equal("other-team", User("other.org", "team/a"));
        Assert.Equal("v2-user", User("v2host:5000", "any/thing"));
        Assert.Equal("org-user", User("docker.io", "myorg/app"));
        Assert.Equal("hub-user", User("docker.io", "library/alpine"));
    }

    [Fact]
    public void RunsCredentialHelpersAndWarnsWhenOneIsMissing()
    {
        using var temp = new TempDirectory();
        var helper = temp.Combine("docker-credential-ocitest");
        File.WriteAllText(helper, "#!/bin/sh\nread server\nif [ \"$1\" = get ] && [ \"$server\" = helped.example.com ]; then echo '{\"ServerURL\":\"helped.example.com\",\"Username\":\"helper-user\",\"Secret\":\"helper-secret\"}'; else echo 'credentials not found' >&2; exit 1; fi\n");
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = temp.Combine("config.json");
        File.WriteAllText(config, """{"credHelpers":{"helped.example.com":"ocitest-absent-dir"},"credsStore":"ocitest"}""");
        var log = new RecordingLog();

        // The helper is found through PATH, as Docker finds it.
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", temp.Path + Path.PathSeparator + path);
        var credentials = new DockerConfigCredentials(config, log);

        // credHelpers names a helper that is not installed: a warning, then anonymous.
        Assert.Null(credentials.Find("helped.example.com"));
        Assert.Contains(log.Messages, m => m.Contains("docker-credential-ocitest-absent-dir is not installed"));

        File.WriteAllText(config, """{"credsStore":"ocitest"}""");
        var found = credentials.Find("helped.example.com")!;
        Assert.Equal("helper-user", found.UserName);
        Assert.Equal("helper-secret", found.Secret);
        Assert.Null(credentials.Find("other.example.com"));
    }

    [ToolFact("docker-registry", "htpasswd")]
    public async Task TheRegistryClientUsesDockerConfigCredentials()
    {
        using var registry = new RegistryServer(RegistryAuth.Basic);
        using var temp = new TempDirectory();
        var config = temp.Combine("config.json");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(RegistryServer.User + ":" + RegistryServer.Password));
        File.WriteAllText(config, "{\"auths\":{\"" + registry.Host + "\":{\"auth\":\"" + encoded + "\"}}}");
        var log = new RecordingLog();
        var sessions = new RegistrySessions { DockerConfigPath = config };
        await new RegistryClient(registry.Host, sessions, null, log).PingAsync(CancellationToken.None);
        Assert.Contains(log.Messages, m => m.Contains("from docker config"));

        sessions.DockerConfigPath = null;
        await Assert.ThrowsAsync<OciImage.Core.Errors.UnauthorizedException>(() => new RegistryClient(registry.Host, sessions, null, log).PingAsync(CancellationToken.None));
        Assert.DoesNotContain(log.Messages, m => m.Contains(RegistryServer.Password));
    }
}
