using System;
using System.Security.Cryptography;
using System.Text;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry;

/// <summary>
/// One of N shards of a registry's repositories, so N workers (runbook jobs, CI jobs, machines) can each copy
/// one part of a mirror. A repository belongs to shard <c>H mod N</c>, where H is the first four bytes of the
/// SHA-256 of its UTF-8 name read as a big-endian unsigned number: stable across machines, processes, .NET
/// versions and the order the catalog lists, and computable outside PowerShell
/// (<c>printf %s NAME | sha256sum | cut -c1-8</c> gives H in hex).
/// </summary>
public sealed class RepositoryShard
{
    private RepositoryShard(int count, int index)
    {
        Count = count;
        Index = index;
    }

    public int Count { get; }

    public int Index { get; }

    /// <summary>The shard the parameters name; null when neither is given (every repository).</summary>
    public static RepositoryShard? FromParameters(int? count, int? index)
    {
        if (count is null && index is null)
        {
            return null;
        }

        if (count is null)
        {
            throw new InvalidShardException("-ShardIndex was given without -ShardCount");
        }

        if (index is null)
        {
            throw new InvalidShardException("-ShardCount was given without -ShardIndex");
        }

        if (count < 1)
        {
            throw new InvalidShardException($"-ShardCount {count} is below 1");
        }

        if (index < 0 || index >= count)
        {
            throw new InvalidShardException($"-ShardIndex {index} is outside 0..{count - 1} for -ShardCount {count}");
        }

        return new RepositoryShard(count.Value, index.Value);
    }

    /// <summary>Which of <paramref name="count"/> shards a repository belongs to.</summary>
    public static int ShardOf(string repository, int count)
    {
        if (repository is null)
        {
            throw new ArgumentNullException(nameof(repository));
        }

        if (count < 1)
        {
            throw new InvalidShardException($"-ShardCount {count} is below 1");
        }

        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(repository));
        var h = ((uint)hash[0] << 24) | ((uint)hash[1] << 16) | ((uint)hash[2] << 8) | hash[3];
        return (int)(h % (uint)count);
    }

    public bool Contains(string repository) => ShardOf(repository, Count) == Index;
}
