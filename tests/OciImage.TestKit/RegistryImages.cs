using System;
using System.Collections.Generic;

namespace OciImage.TestKit;

/// <summary>
/// Three real registries (no auth, basic, token), each holding team/app:v1 (amd64), team/app:v2 (arm64) and
/// team/app:multi (an index of both), pushed by skopeo from layouts umoci wrote. Built once per test class.
/// </summary>
public sealed class RegistryImages : IDisposable
{
    private readonly TempDirectory _temp = new("ociregimages");

    public RegistryImages()
    {
        Available = ExternalTool.IsInstalled("docker-registry") && ExternalTool.IsInstalled("skopeo")
            && ExternalTool.IsInstalled("umoci") && ExternalTool.IsInstalled("htpasswd");
        if (!Available)
        {
            return;
        }

        ReferenceImages.BuildWithUmoci(Layout, "v1", "amd64", new Dictionary<string, string> { ["hello.txt"] = "v1\n" });
        ReferenceImages.BuildWithUmoci(Layout, "v2", "arm64", new Dictionary<string, string> { ["hello.txt"] = "v2\n" });
        ReferenceImages.AddIndex(Layout, "multi", ("v1", "linux", "amd64", null), ("v2", "linux", "arm64", "v8"));
        foreach (var auth in new[] { RegistryAuth.None, RegistryAuth.Basic, RegistryAuth.Token })
        {
            var registry = new RegistryServer(auth);
            Registries[auth] = registry;
            registry.PushWithSkopeo($"oci:{Layout}:v1", "team/app:v1");
            registry.PushWithSkopeo($"oci:{Layout}:v2", "team/app:v2");
            var args = new List<string> { "copy", "--quiet", "--all", "--dest-tls-verify=false" };
            args.AddRange(registry.SkopeoCredentials());
            args.Add($"oci:{Layout}:multi");
            args.Add($"docker://{registry.Host}/team/app:multi");
            ExternalTool.Run("skopeo", args.ToArray());
        }
    }

    public bool Available { get; }

    public string Layout => _temp.Combine("layout");

    public Dictionary<RegistryAuth, RegistryServer> Registries { get; } = new();

    public void Dispose()
    {
        foreach (var registry in Registries.Values)
        {
            registry.Dispose();
        }

        _temp.Dispose();
    }
}
