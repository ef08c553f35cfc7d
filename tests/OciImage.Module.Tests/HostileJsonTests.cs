using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// The ErrorId contract for JSON of the wrong shape and for hostile manifest graphs, through PowerShell:
/// Get-OciManifest, Test-OciImage and Copy-OciImage, given a layout holding each hostile document of the test
/// kit's corpus and then a good image in the same pipeline, give ErrorRecords whose ErrorIds are in the README's
/// table (or, for Test-OciImage, a problem in its result), name the JSON path, and go on to the good image.
/// </summary>
public sealed class HostileJsonTests
{
    private static readonly JsonDocumentKind[] InLayouts =
    {
        JsonDocumentKind.Manifest, JsonDocumentKind.Index, JsonDocumentKind.Config, JsonDocumentKind.LayoutIndex, JsonDocumentKind.LayoutFile,
    };

    public static IEnumerable<object[]> Documents => HostileJson.All.Where(d => InLayouts.Contains(d.Kind)).Select(d => new object[] { d.Name });

    [Theory]
    [MemberData(nameof(Documents))]
    public void EachCmdletGivesAReadmeErrorIdAndGoesOn(string name)
    {
        var document = HostileJson.All.Single(d => d.Name == name);
        using var temp = new TempDirectory();
        var bad = BadLayout(temp.Combine("bad"), document);
        var good = GoodLayout(temp.Combine("good"));
        using var host = new PowerShellHost();
        foreach (var cmdlet in new[] { "Get-OciManifest", "Test-OciImage", $"Copy-OciImage -Destination 'oci:{temp.Combine("target")}'" })
        {
            var result = host.Run($"'oci:{bad}:bad', 'oci:{good}:good' | {cmdlet}");
            var reported = AssertContract(result, cmdlet);

            // The document is reported naming its JSON path, except where the cmdlet never reads it (a manifest
            // read does not read the config).
            if (!(document.Kind == JsonDocumentKind.Config && cmdlet == "Get-OciManifest"))
            {
                Assert.Contains(document.Path, reported);
            }
        }
    }

    [Theory]
    [InlineData(32, 2)]
    [InlineData(5_000, 1)]
    public void HostileGraphsEndInIndexTooDeepAndTheNextInputIsRead(int levels, int fanOut)
    {
        using var temp = new TempDirectory();
        var bad = temp.Combine("bad");
        HostileGraphs.MultiplyingDag(bad, "bad", levels, fanOut);
        var good = GoodLayout(temp.Combine("good"));
        using var host = new PowerShellHost();
        foreach (var cmdlet in new[] { "Test-OciImage", $"Copy-OciImage -Destination 'oci:{temp.Combine("target")}'", "Get-OciManifest -Platform linux/amd64" })
        {
            var reported = AssertContract(host.Run($"'oci:{bad}:bad', 'oci:{good}:good' | {cmdlet}"), cmdlet);
            Assert.Contains("levels deep", reported);
        }
    }

    /// <summary>Every ErrorId is the README's, no stack trace shows, and the good image (the last input) came out.</summary>
    private static string AssertContract(ScriptResult result, string cmdlet)
    {
        foreach (var error in result.Errors)
        {
            var errorId = error.FullyQualifiedErrorId.Split(',')[0];
            Assert.True(ReadmeErrorIds.All.Contains(errorId), $"{cmdlet}: {errorId} is not in the README's error table: {error}");
            Assert.DoesNotContain("   at ", error.ToString());
        }

        var outputs = result.Output.Where(o => o is not null).Select(o => o.BaseObject).ToList();
        Assert.True(outputs.Count >= 1, $"{cmdlet}: the good image after the hostile one gave no output ({string.Join("; ", result.Errors)})");
        Assert.Contains(outputs, o => o.ToString()!.Contains("good") || Property(o, "Reference")?.Contains("good") == true || Property(o, "Destination")?.Contains("good") == true || Property(o, "IsValid") == "True");
        return string.Join("\n", result.Errors.Select(e => e.ToString()).Concat(outputs.Select(o => Property(o, "Problems") ?? string.Empty)));
    }

    private static string? Property(object value, string name) =>
        PSObject.AsPSObject(value).Properties[name]?.Value switch
        {
            null => null,
            string[] many => string.Join("; ", many),
            var one => one.ToString(),
        };

    private static string GoodLayout(string path)
    {
        using var store = OciLayoutStore.OpenOrCreate(path);
        Put(store, SampleManifests.EmptyConfig);
        var manifest = SampleManifests.Tiny("good");
        Put(store, manifest.GetRawBytes());
        store.UpdateIndexAsync(index => index.Add(manifest.ToDescriptor(), "good"), default).GetAwaiter().GetResult();
        return path;
    }

    /// <summary>A layout whose image tagged bad holds the document where the module reads it (the test kit's hostile layouts).</summary>
    private static string BadLayout(string path, HostileDocument document)
    {
        HostileLayouts.Write(path, document);
        return path;
    }

    private static void Put(OciLayoutStore store, byte[] bytes)
    {
        var path = store.BlobPath(Digest.Compute(bytes));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
