using System;
using System.Linq;
using OciImage.Core;
using OciImage.Core.Registry;

namespace OciImage.TestKit;

/// <summary>
/// The rate-limit tests' set-up: a fake registry with Docker Hub's pull quota (<see cref="PullQuota"/>) holding
/// library/app's tags, each an image of one random layer (tag i seeded i + 1), and an empty mirror registry to copy
/// them to. Set up before anything is counted: building the images takes none of the quota.
/// </summary>
internal sealed class QuotaHub : IDisposable
{
    public const string Repository = "library/app";

    public QuotaHub(PullQuota quota, int layerSize, params string[] tags)
    {
        Hub = new FakeRegistry { Quota = quota };
        Mirror = new FakeRegistry();
        for (var i = 0; i < tags.Length; i++)
        {
            Hub.AddImage(Repository, tags[i], layerSize, seed: i + 1);
        }
    }

    public FakeRegistry Hub { get; }

    public FakeRegistry Mirror { get; }

    public PullQuota Quota => Hub.Quota!;

    /// <summary>HOST/library/app:TAG at the hub.</summary>
    public string Source(string tag) => $"{Hub.Host}/{Repository}:{tag}";

    public Reference SourceReference(string tag) => Reference.Parse(Source(tag));

    /// <summary>The tags as a PowerShell list of quoted references ('HOST/library/app:a','HOST/library/app:b').</summary>
    public string SourceList(params string[] tags) => string.Join(",", tags.Select(t => $"'{Source(t)}'"));

    /// <summary>A store on the hub's library/app with these options (a ledger, a reserve).</summary>
    public RegistryStore Store(RegistryOptions? options = null) => TestClients.Store(Hub.Host, Repository, options);

    public void Dispose()
    {
        Mirror.Dispose();
        Hub.Dispose();
    }
}
