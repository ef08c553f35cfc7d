using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Registry;
using OciImage.Core.Retention;
using OciImage.Core.Selection;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Retention lists, then deletes: a tag pushed to another image in between is not removed (TagMoved) and keeps
/// the new image, in a layout (checked under the index lock) and on the CNCF registry (checked by the request
/// right before the placeholder swap).
/// </summary>
public sealed class TagMovedTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ALayoutTagMovedAfterThePlanStays()
    {
        using var temp = new TempDirectory();
        var repo = new RetentionRepository(temp.Combine("layout"));
        await MovedTagStaysAsync(Reference.ForLayout(repo.Layout, null), repo);
    }

    [ToolFact("docker-registry")]
    public async Task ARegistryTagMovedAfterThePlanStays()
    {
        using var temp = new TempDirectory();
        var repo = new RetentionRepository(temp.Combine("layout"));
        using var registry = new RegistryServer();
        var repository = Reference.Parse($"{registry.Host}/moved/app");
        foreach (var tag in repo.Digests.Keys)
        {
            await CopyVerb.CopyAsync(Reference.ForLayout(repo.Layout, tag), repository.WithTag(tag), new Copy.CopyOptions(), Context(), Context(), null, None);
        }

        await MovedTagStaysAsync(repository, repo);
    }

    private static async Task MovedTagStaysAsync(Reference repository, RetentionRepository repo)
    {
        var keep = new TagSelection { Newest = 2, CreatedSince = System.DateTimeOffset.Parse(RetentionRepository.CutOff) };
        var plan = await RetentionPlanner.PlanAsync(repository, keep, Context(), None);
        var planned = plan.Removals.Single(r => r.Tag == "1.0");
        Assert.Equal(repo.Digests["1.0"], planned.Digest.ToString());

        // Someone pushes 1.0 again (here: onto 2.1's image) after the plan was made.
        await TagVerb.TagAsync(repository.WithTag("2.1"), "1.0", Context(), None);
        var moved = await Assert.ThrowsAsync<TagMovedException>(() => TagVerb.UntagIfAsync(repository.WithTag("1.0"), planned.Digest!.Value, Context(), None));
        Assert.Equal(repo.Digests["2.1"], moved.Now.ToString());
        Assert.Equal(repo.Digests["2.1"], (await TagVerb.PinAsync(repository.WithTag("1.0"), Context(), None)).ToString());

        // Unmoved, the same call removes it.
        var other = plan.Removals.Single(r => r.Tag == "1.1");
        await TagVerb.UntagIfAsync(repository.WithTag("1.1"), other.Digest!.Value, Context(), None);
        await Assert.ThrowsAsync<ManifestUnknownException>(() => TagVerb.PinAsync(repository.WithTag("1.1"), Context(), None));
    }

    private static StoreContext Context() => new(new RegistrySessions { DockerConfigPath = null }, null, new RecordingLog());
}
