using System.Collections.Generic;
using System.Linq;
using System.Text;
using OciImage.Core.Errors;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Every JSON reader, fed each hostile document of the test kit's corpus (valid JSON of the wrong shape): the
/// ErrorId of the document's kind, with a message naming the JSON path; a docker config or helper answer of the
/// wrong shape is a warning naming it; an error body of the wrong shape leaves the status to decide.
/// </summary>
public sealed class JsonShapeTests
{
    public static IEnumerable<object[]> Hostile => HostileJson.All.Select(d => new object[] { d.Name });

    [Theory]
    [MemberData(nameof(Hostile))]
    public void AWrongShapeIsTheErrorOfItsKindNamingThePath(string name)
    {
        var document = HostileJson.All.Single(d => d.Name == name);
        using var readers = new JsonReaders();
        var json = Encoding.UTF8.GetBytes(document.Json);
        if (document.ErrorId is { } errorId)
        {
            var error = Assert.ThrowsAny<OciException>(() => readers.Read(document.Kind, json));
            Assert.Equal(errorId, error.ErrorId);
            Assert.Contains(document.Path, error.Message);
            Assert.Contains(errorId, ReadmeErrorIds.All);
        }
        else if (document.Kind == JsonDocumentKind.RegistryErrorBody)
        {
            // The harness answers 404: the status decides, as for a body that is not JSON.
            Assert.Equal("ManifestUnknown", Assert.ThrowsAny<OciException>(() => readers.Read(document.Kind, json)).ErrorId);
        }
        else
        {
            readers.Read(document.Kind, json);
            Assert.Contains(readers.Log.Messages, m => m.StartsWith("WARNING: ") && m.Contains(document.Path));
        }
    }

    [Fact]
    public void TheRightShapesRead()
    {
        using var readers = new JsonReaders();
        foreach (var (kind, json) in HostileJson.Valid.Where(v => v.Key != JsonDocumentKind.RegistryErrorBody))
        {
            readers.Read(kind, Encoding.UTF8.GetBytes(json));
        }

        Assert.DoesNotContain(readers.Log.Messages, m => m.StartsWith("WARNING: "));
        using var body = new JsonReaders();
        Assert.Contains("manifest unknown", Assert.Throws<ManifestUnknownException>(() => body.Read(JsonDocumentKind.RegistryErrorBody, Encoding.UTF8.GetBytes(HostileJson.Valid[JsonDocumentKind.RegistryErrorBody]))).Message);
    }

    [Fact]
    public void EveryKindOfDocumentHasHostileFixtures()
    {
        foreach (var kind in System.Enum.GetValues<JsonDocumentKind>())
        {
            Assert.Contains(HostileJson.All, d => d.Kind == kind);
        }
    }
}
