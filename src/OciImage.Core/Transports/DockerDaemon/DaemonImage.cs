using System.Collections.Generic;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>An image as the daemon describes it: its ID (the config's digest in Docker's classic store), names, and the registry digests it was pulled or pushed by.</summary>
internal sealed class DaemonImage
{
    public DaemonImage(string id, IReadOnlyList<string> repoTags, IReadOnlyList<string> repoDigests)
    {
        Id = id;
        RepoTags = repoTags;
        RepoDigests = repoDigests;
    }

    public string Id { get; }

    public IReadOnlyList<string> RepoTags { get; }

    public IReadOnlyList<string> RepoDigests { get; }
}
