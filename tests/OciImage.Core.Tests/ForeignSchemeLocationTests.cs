using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// An upload Location or a redirect to a URL that is not http or https (file:, a UNC path, ftp:...) is refused by the
/// origin handler for every hop, as InsecureRedirect, before the HTTP stack sees it (which threw a raw
/// NotSupportedException); the early upload session the copy opens takes the same path.
/// </summary>
public sealed class ForeignSchemeLocationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    public static TheoryData<string> Locations()
    {
        var data = new TheoryData<string>();
        foreach (var location in ForeignSchemeLocation.Samples)
        {
            data.Add(location);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Locations))]
    public async Task AnUploadLocationOfAnotherSchemeIsRefused(string location)
    {
        using var registry = new ForeignSchemeLocation(location);
        var store = TestClients.Store(registry.Host, "team/app", new RegistryOptions { MaximumRetryCount = 0 });
        var content = Encoding.UTF8.GetBytes("pushed");
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(content), Size = content.Length };

        // Opened early (as the copy does while the source's GET runs), then used by the upload.
        await store.PrepareUploadAsync(blob, None);
        var error = await Assert.ThrowsAsync<InsecureRedirectException>(() => store.PutBlobAsync(blob, new MemoryStream(content), null, None));
        Assert.Equal("InsecureRedirect", error.ErrorId);
        Assert.Contains("not an http or https URL", error.Message);
        Assert.Equal(new[] { "POST /v2/team/app/blobs/uploads/" }, registry.Requests);
    }

    [Theory]
    [MemberData(nameof(Locations))]
    public async Task ABlobRedirectedToAnotherSchemeIsRefused(string location)
    {
        using var registry = new ForeignSchemeLocation(location);
        var store = TestClients.Store(registry.Host, "team/app", new RegistryOptions { MaximumRetryCount = 0 });
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(new byte[] { 1 }), Size = 1 };

        var error = await Assert.ThrowsAsync<InsecureRedirectException>(() => store.OpenBlobAsync(blob, None));
        Assert.Contains("not an http or https URL", error.Message);
        Assert.Single(registry.Requests, r => r.StartsWith("GET ", System.StringComparison.Ordinal));
    }
}
