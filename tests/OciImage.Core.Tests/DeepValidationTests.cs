using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Stores;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;
using OciImage.Core.Layout;

namespace OciImage.Core.Tests;

/// <summary>
/// Test-OciImage -Deep reads each layer's tar entries through the module's tar reader, by Expand's rules (red-team
/// finding: a layer the reader refuses, its DiffID right, was IsValid). Each fixture's DiffID and digest are true:
/// only reading the tar can tell.
/// </summary>
public sealed class DeepValidationTests
{
    public static IEnumerable<object[]> Fixtures => RefusedLayers.All.Select(f => new object[] { f.Name });

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task ALayerTheTarReaderRefusesIsAProblemOfADeepTest(string name)
    {
        var fixture = RefusedLayers.All.Single(f => f.Name == name);
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        TestImages.Compose(layout, "x", new[] { TestImages.AddTarLayer(layout, fixture.Tar) });
        using var store = OciLayoutStore.Open(layout);
        var reference = Reference.ForLayout(layout, "x");

        Assert.Empty(await ImageValidator.ValidateAsync(store, reference, deep: false, NullEngineLog.Instance, CancellationToken.None));
        var problem = Assert.Single(await ImageValidator.ValidateAsync(store, reference, deep: true, NullEngineLog.Instance, CancellationToken.None));
        Assert.Contains("cannot be read as a tar", problem);
        Assert.Contains(fixture.ErrorId == "InvalidLayer" ? "is not a valid layer" : "was refused", problem);
    }

    [Fact]
    public async Task ASoundLayerPassesADeepTestAndAWrongDiffIdIsStillFound()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var tar = new RawTar().Header("dir", '5', mode: 0x1ED).File("dir/a.txt", "a").Header("dir/link", '2', link: "a.txt").Header("dir/hard", '1', link: "dir/a.txt").End().ToArray();
        var layer = TestImages.AddTarLayer(layout, tar);
        TestImages.Compose(layout, "good", new[] { layer });
        TestImages.Compose(layout, "lying", new[] { layer with { DiffId = Digest.Compute(new byte[] { 1 }).ToString() } });
        using var store = OciLayoutStore.Open(layout);

        Assert.Empty(await ImageValidator.ValidateAsync(store, Reference.ForLayout(layout, "good"), deep: true, NullEngineLog.Instance, CancellationToken.None));
        var problem = Assert.Single(await ImageValidator.ValidateAsync(store, Reference.ForLayout(layout, "lying"), deep: true, NullEngineLog.Instance, CancellationToken.None));
        Assert.Contains($"decompresses to {layer.DiffId}", problem);
    }
}
