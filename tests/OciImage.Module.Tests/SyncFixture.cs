using System;
using System.IO;
using OciImage.TestKit;

namespace OciImage.Module.Tests;

/// <summary>
/// One real registry holding src/app: versions 1.0.0, 1.1.0, 1.2.0, 2.0.0, 2.1.0-rc.1 and latest, every image on
/// one shared base layer, and multi (an index of linux/amd64 and linux/arm64), built by the module itself.
/// </summary>
public sealed class SyncFixture : IDisposable
{
    private readonly TempDirectory _temp = new("ocisync");

    public static readonly string[] Versions = { "1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0-rc.1", "latest" };

    public SyncFixture()
    {
        Available = ExternalTool.IsInstalled("docker-registry");
        if (!Available)
        {
            return;
        }

        Registry = new RegistryServer();
        using var host = new PowerShellHost();
        Directory.CreateDirectory(_temp.Combine("base"));
        File.WriteAllText(_temp.Combine("base", "base.txt"), new string('b', 40_000));
        var script = $"$base = New-OciLayer '{_temp.Combine("base")}' -Layout '{Layout}'\n";
        foreach (var version in Versions)
        {
            Directory.CreateDirectory(_temp.Combine("v-" + version));
            File.WriteAllText(_temp.Combine("v-" + version, "version.txt"), version + "\n");
            script += $"$l = New-OciLayer '{_temp.Combine("v-" + version)}' -Layout '{Layout}'\n" +
                      $"New-OciImage -Layout '{Layout}' -Tag '{version}' -Layer $base, $l -Entrypoint /bin/sh -Created '2026-0{Array.IndexOf(Versions, version) + 1}-01' | Out-Null\n";
        }

        script += $"New-OciImage -Layout '{Layout}' -Tag amd -Layer $base -Platform linux/amd64 | Out-Null\n" +
                  $"New-OciImage -Layout '{Layout}' -Tag arm -Layer $base, $l -Platform linux/arm64 | Out-Null\n" +
                  $"New-OciIndex -Layout '{Layout}' -Tag multi -Manifest 'oci:{Layout}:amd', 'oci:{Layout}:arm' | Out-Null\n";
        foreach (var tag in Array.ConvertAll(Versions, v => v))
        {
            script += $"Copy-OciImage 'oci:{Layout}:{tag}' '{Registry.Host}/src/app' | Out-Null\n";
        }

        script += $"Copy-OciImage 'oci:{Layout}:multi' '{Registry.Host}/src/app' | Out-Null\n";
        host.RunClean(script);
    }

    public bool Available { get; }

    public RegistryServer Registry { get; } = null!;

    public string Host => Registry.Host;

    public string Layout => _temp.Combine("layout");

    public void Dispose()
    {
        Registry?.Dispose();
        _temp.Dispose();
    }
}
