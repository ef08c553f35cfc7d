using System;
using System.IO;
using System.Linq;
using OciImage.Core.Errors;
using OciImage.Core.Mirror;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// -DestinationRoot's rule: a registry prefix admits its own host and port (host case-insensitive) and repositories
/// on a '/' boundary below it; a layout root admits paths that really lead inside it, links and '..' followed as
/// the file system will. Every escape in <see cref="PlanDestinationEscapes"/> is refused, and refuses a whole plan.
/// </summary>
public sealed class SyncDestinationRootTests
{
    private static string? Refusal(string root, string destination) => SyncDestinationRoot.Parse(root).Refusal(Reference.Parse(destination));

    [Theory]
    [InlineData("reg.example:5000/team", "reg.example:5000/team/app:1")]
    [InlineData("reg.example:5000/team/", "reg.example:5000/team/app/deeper:1")]
    [InlineData("reg.example:5000/team", "reg.example:5000/team:1")]
    [InlineData("reg.example:5000", "reg.example:5000/anything/at/all:1")]
    [InlineData("REG.Example:5000/team", "reg.example:5000/team/app:1")]
    [InlineData("reg.example:5000/team", "docker://REG.EXAMPLE:5000/team/app:1")]
    [InlineData("docker://reg.example:5000/team/", "reg.example:5000/team/app:1")]
    [InlineData("docker.io/library", "nginx:1")]
    [InlineData("docker.io", "bitnami/nginx:1")]
    [InlineData("localhost/team", "localhost/team/app:1")]
    [InlineData("[::1]:5000/team", "[::1]:5000/team/app:1")]
    public void ARegistryRootAdmitsItsHostAndPortAndWhatIsBelowItsPath(string root, string destination) =>
        Assert.Null(Refusal(root, destination));

    [Fact]
    public void ARegistryRootRefusesEveryNearMiss()
    {
        foreach (var (attack, destination) in PlanDestinationEscapes.Registry("reg.example", 5000))
        {
            Assert.True(Refusal("reg.example:5000/team", destination) is not null, $"{attack}: {destination} was admitted");
        }

        Assert.NotNull(Refusal("docker.io/library", "bitnami/nginx:1"));
        Assert.NotNull(Refusal("reg.example:5000/team/app", "reg.example:5000/team/application:1"));
    }

    [Theory]
    [InlineData("team")]
    [InlineData("team/app/")]
    [InlineData("reg.example/Team")]
    [InlineData("reg.example/team:1")]
    [InlineData("oci:/tmp/root:tag")]
    [InlineData("docker-daemon:reg.example/team")]
    [InlineData("   ")]
    public void ARootThatIsNotPlainlyARegistryOrADirectoryIsRefused(string root) =>
        Assert.Equal("InvalidReference", Assert.ThrowsAny<OciException>(() => SyncDestinationRoot.Parse(root)).ErrorId);

    [Fact]
    public void ALayoutRootAdmitsWhatReallyLeadsInsideIt()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("root");
        Directory.CreateDirectory(Path.Combine(root, "real"));
        File.CreateSymbolicLink(Path.Combine(root, "inner"), Path.Combine(root, "real"));
        File.CreateSymbolicLink(temp.Combine("via"), root);

        foreach (var given in new[] { root, "oci:" + root, root + "/", temp.Combine("via") })
        {
            var guard = SyncDestinationRoot.Parse(given);
            Assert.True(guard.IsLocal);
            foreach (var destination in new[]
            {
                $"oci:{root}:1", $"oci:{root}/mirror:1", $"oci:{root}/a/b/../c:1", $"oci:{root}/inner/mirror:1",
                $"oci-archive:{root}/out.tar", $"oci:{temp.Combine("via")}/mirror:1",
            })
            {
                Assert.True(guard.Refusal(Reference.Parse(destination)) is null, $"{given} refused {destination}: {guard.Refusal(Reference.Parse(destination))}");
            }
        }
    }

    [Fact]
    public void ALayoutRootRefusesEveryEscape()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("root");
        foreach (var (attack, destination) in PlanDestinationEscapes.Layout(root, temp.Combine("outside")))
        {
            Assert.True(Refusal(root, destination) is not null, $"{attack}: {destination} was admitted");
        }

        // A relative root is read from the caller's location, given as a resolver.
        var relative = SyncDestinationRoot.Parse("./root", p => Path.Combine(temp.Path, p));
        Assert.Null(relative.Refusal(Reference.Parse($"oci:{root}/mirror:1")));
        Assert.NotNull(relative.Refusal(Reference.Parse($"oci:{root}/escape/mirror:1")));
    }

    [Fact]
    public void OneItemOutsideRefusesTheWholePlanNamingItAndTheRoot()
    {
        var digest = Digest.Parse("sha256:" + new string('a', 64));
        var items = new[]
        {
            new SyncPlanItem { Action = SyncAction.Copy, Source = Reference.Parse("src.example/app:1"), SourceDigest = digest, Destination = Reference.Parse("reg.example/team/app:1") },
            new SyncPlanItem { Action = SyncAction.Prune, Destination = Reference.Parse("reg.example/team-evil/app:2"), DestinationDigest = digest },
        };

        var refusal = Assert.Throws<InvalidSyncPlanException>(() => SyncDestinationRoot.Parse("reg.example/team").Check(items));
        Assert.Equal("InvalidSyncPlan", refusal.ErrorId);
        Assert.Contains("item 1 (Prune to reg.example/team-evil/app:2)", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("reg.example/team", refusal.Message, StringComparison.Ordinal);
        SyncDestinationRoot.Parse("reg.example/team").Check(items.Take(1).ToList());
    }

    [Fact]
    public void APlanSpanningSeveralRegistriesOrUnrelatedTreesIsNamed()
    {
        Assert.Null(SyncDestinationRoot.Spread(new[] { Reference.Parse("reg.example/a:1"), Reference.Parse("REG.example/b:1") }));
        Assert.Equal(new[] { "evil.example", "reg.example" }, SyncDestinationRoot.Spread(new[] { Reference.Parse("reg.example/a:1"), Reference.Parse("evil.example/a:1") }));
        Assert.Null(SyncDestinationRoot.Spread(new[] { Reference.Parse("oci:/srv/mirror/a:1"), Reference.Parse("oci:/srv/mirror/b/c:1") }));
        Assert.Equal(2, SyncDestinationRoot.Spread(new[] { Reference.Parse("oci:/srv/mirror/a:1"), Reference.Parse("oci:/etc/cron.d/a:1") })!.Count);
        Assert.Equal(2, SyncDestinationRoot.Spread(new[] { Reference.Parse("oci:/srv/mirror/a:1"), Reference.Parse("reg.example/a:1") })!.Count);
    }
}
