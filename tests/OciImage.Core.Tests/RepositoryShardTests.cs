using System.Linq;
using OciImage.Core.Errors;
using OciImage.Core.Registry;
using Xunit;

namespace OciImage.Core.Tests;

public class RepositoryShardTests
{
    [Theory]
    // Expected values from the shell: printf %s NAME | sha256sum | cut -c1-8, as hex, mod N.
    [InlineData("team/app", 4, 0)]
    [InlineData("team/app", 7, 2)]
    [InlineData("library/alpine", 7, 2)]
    public void TheShardIsTheFirstFourBytesOfSha256ModN(string repository, int count, int shard) =>
        Assert.Equal(shard, RepositoryShard.ShardOf(repository, count));

    [Fact]
    public void EveryRepositoryIsInExactlyOneShardAndTheSplitIsEven()
    {
        var names = Enumerable.Range(0, 4000).Select(i => $"team{i % 13}/app-{i}").ToList();
        var shards = Enumerable.Range(0, 8).Select(i => RepositoryShard.FromParameters(8, i)!).ToList();
        foreach (var name in names)
        {
            Assert.Single(shards, s => s.Contains(name));
        }

        var sizes = shards.Select(s => names.Count(s.Contains)).ToList();
        Assert.All(sizes, size => Assert.InRange(size, 400, 600));
    }

    [Fact]
    public void NoParametersMeansEveryRepository() => Assert.Null(RepositoryShard.FromParameters(null, null));

    [Theory]
    [InlineData(4, null)]
    [InlineData(null, 1)]
    [InlineData(4, 4)]
    [InlineData(0, 0)]
    [InlineData(4, -1)]
    public void AShardThatDoesNotExistIsInvalidShard(int? count, int? index) =>
        Assert.Equal("InvalidShard", Assert.Throws<InvalidShardException>(() => RepositoryShard.FromParameters(count, index)).ErrorId);
}
