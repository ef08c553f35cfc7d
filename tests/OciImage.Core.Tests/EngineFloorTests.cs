using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The floors of the engine: store implementations are named only where transports open them. Everything above
/// (verbs, the copier, images, analysis, selection) speaks the store contract (Stores/), so a new store or
/// transport changes its own folder and the table, nothing else.
/// </summary>
public sealed class EngineFloorTests
{
    private static readonly Regex Implementations = new(@"\b(OciLayoutStore|RegistryClient|RegistryStore|OciArchiveStore|DockerArchiveStore|DockerDaemonStore)\b");

    /// <summary>The folders that are the implementations, or open them: the transports and the stores themselves.</summary>
    private static readonly string[] Floors = { "Transports", "Layout", "Registry", "Archives" };

    /// <summary>
    /// Verbs that are about one kind of store by nature, and why: the exceptions, named, so a new one is a choice.
    /// </summary>
    private static readonly Dictionary<string, string> Exceptions = new()
    {
        ["Verbs/RegistryVerb.cs"] = "registry sessions (check, catalog) are about a registry, not a repository's store",
        ["Verbs/LayoutVerb.cs"] = "garbage collection is maintenance of a layout's own blobs folder",
    };

    [Fact]
    public void OnlyTransportsAndStoresNameAStoreImplementation()
    {
        var root = Path.Combine(RepoPaths.Root, "src", "OciImage.Core");
        var offenders = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/") && !f.StartsWith("bin/"))
            .Where(f => !Floors.Any(floor => f.StartsWith(floor + "/")))
            .Where(f => !Exceptions.ContainsKey(f))
            .Where(f => Implementations.IsMatch(File.ReadAllText(Path.Combine(root, f))))
            .ToList();
        Assert.True(offenders.Count == 0, "these files name a store implementation; open stores through ImageStores and speak the contract in Stores/: " + string.Join(", ", offenders));
    }

    [Fact]
    public void TheModuleNamesNoStoreImplementation()
    {
        var root = Path.Combine(RepoPaths.Root, "src", "OciImage");
        var offenders = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Where(f => Implementations.IsMatch(File.ReadAllText(f)) || File.ReadAllText(f).Contains("ImageStores"))
            .Select(f => Path.GetFileName(f))
            .ToList();
        Assert.True(offenders.Count == 0, "cmdlets call verbs; these name stores: " + string.Join(", ", offenders));
    }
}
