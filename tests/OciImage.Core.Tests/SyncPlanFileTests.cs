using System.IO;
using OciImage.Core.Errors;
using OciImage.Core.Mirror;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// A plan file is what `Sync-OciRepository -Plan | ConvertTo-Json` wrote: an array of items, or, for a plan of one
/// item, that one object (ConvertTo-Json writes a list of one so); both read to the same items.
/// </summary>
public sealed class SyncPlanFileTests
{
    private const string Item = "{\"FormatVersion\":1,\"Action\":\"Copy\",\"Source\":\"oci:/tmp/src:1.0\",\"SourceDigest\":\"sha256:"
        + "0000000000000000000000000000000000000000000000000000000000000001\",\"Destination\":\"oci:/tmp/dst:1.0\"}";

    [Theory]
    [InlineData("[" + Item + "]")]
    [InlineData("{\"items\":[" + Item + "]}")]
    [InlineData(Item)]
    public void APlanOfOneItemReadsWhetherItIsAnArrayOrTheObject(string json)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("plan.json");
        File.WriteAllText(path, json);
        var item = Assert.Single(SyncPlanReader.ReadFile(path));
        Assert.Equal(SyncAction.Copy, item.Action);
        Assert.Equal("1.0", item.Destination.Tag);
    }

    [Theory]
    [InlineData("\"text\"", "neither an array")]
    [InlineData("{\"Action\":\"Copy\"}", "FormatVersion")]
    public void AnythingElseIsAnInvalidPlan(string json, string expected)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("plan.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<InvalidSyncPlanException>(() => SyncPlanReader.ReadFile(path));
        Assert.Contains(expected, error.Message, System.StringComparison.Ordinal);
    }
}
