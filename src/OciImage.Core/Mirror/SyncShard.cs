using OciImage.Core.Registry;

namespace OciImage.Core.Mirror;

/// <summary>
/// One of N shards of a mirror's work, so N workers can share it: an image (a source repository and tag) belongs
/// to shard <c>H mod N</c>, with H from <see cref="RepositoryShard.ShardOf"/> over "REPOSITORY:TAG" (the
/// repository's name without its registry; a layout's or archive's path as given). Work items, not whole
/// repositories: a repository of 200 tags is shared too. A prune of a destination tag goes to the shard its
/// source name would (each stale tag is pruned by exactly one shard).
/// </summary>
public sealed class SyncShard
{
    public SyncShard(RepositoryShard shard) => Shard = shard;

    public RepositoryShard Shard { get; }

    /// <summary>The text hashed for an image: <c>printf '%s' "$KEY" | sha256sum</c> gives the same H.</summary>
    public static string KeyOf(Reference repository, string tagOrDigest) =>
        (repository.Repository ?? repository.LayoutPath ?? repository.ToString()) + ":" + tagOrDigest;

    public bool Contains(Reference repository, string tagOrDigest) =>
        RepositoryShard.ShardOf(KeyOf(repository, tagOrDigest), Shard.Count) == Shard.Index;
}
