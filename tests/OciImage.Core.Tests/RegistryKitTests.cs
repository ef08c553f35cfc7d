using System.Collections.Generic;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>The test registries really enforce their auth: skopeo, an independent client, is the witness.</summary>
public class RegistryKitTests
{
    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void EachAuthModeAcceptsRightAndRefusesWrongCredentials()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        ReferenceImages.BuildWithUmoci(layout, "v1", "amd64", new Dictionary<string, string> { ["f"] = "x" });
        foreach (var auth in new[] { RegistryAuth.None, RegistryAuth.Basic, RegistryAuth.Token })
        {
            using var registry = new RegistryServer(auth);
            registry.PushWithSkopeo($"oci:{layout}:v1", "kit/app:v1");
            var args = new List<string> { "inspect", "--tls-verify=false" };
            args.AddRange(registry.SkopeoCredentials("--creds"));
            args.Add($"docker://{registry.Host}/kit/app:v1");
            Assert.Contains(ReferenceImages.SkopeoDigest(layout, "v1"), ExternalTool.Run("skopeo", args.ToArray()));

            if (auth != RegistryAuth.None)
            {
                var wrong = ExternalTool.TryRun("skopeo", "inspect", "--tls-verify=false", "--creds", "ociuser:wrong", $"docker://{registry.Host}/kit/app:v1");
                Assert.NotEqual(0, wrong.ExitCode);
            }
        }
    }
}
