using System;
using System.Collections.Generic;
using OciImage.TestKit;

namespace OciImage.Module.Tests;

/// <summary>
/// One layout written by umoci (tags amd, arm and an index 'multi' over both), and a copy of 'amd' written by
/// skopeo into a second layout: built once for a test class, deleted after it.
/// </summary>
public sealed class LayoutFixture : IDisposable
{
    private readonly TempDirectory _temp = new("ocilayout");

    public LayoutFixture()
    {
        Available = ExternalTool.IsInstalled("umoci") && ExternalTool.IsInstalled("skopeo");
        if (!Available)
        {
            return;
        }

        ReferenceImages.BuildWithUmoci(Layout, "amd", "amd64", new Dictionary<string, string> { ["hello.txt"] = "hello amd64\n", ["run"] = "#!/bin/sh\n" });
        ReferenceImages.BuildWithUmoci(Layout, "arm", "arm64", new Dictionary<string, string> { ["hello.txt"] = "hello arm64\n" });
        IndexDigest = ReferenceImages.AddIndex(Layout, "multi", ("amd", "linux", "amd64", null), ("arm", "linux", "arm64", "v8"));
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{Layout}:amd", $"oci:{SkopeoLayout}:copied");
    }

    public bool Available { get; }

    public string Root => _temp.Path;

    /// <summary>Written by umoci: tags amd, arm, multi.</summary>
    public string Layout => _temp.Combine("umoci");

    /// <summary>Written by skopeo: tag copied.</summary>
    public string SkopeoLayout => _temp.Combine("skopeo");

    public string IndexDigest { get; } = string.Empty;

    public void Dispose() => _temp.Dispose();
}
