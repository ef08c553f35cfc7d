using System.Collections.Generic;
using System.Text;
using OciImage.Core;
using OciImage.Core.Model;

namespace OciImage.TestKit;

/// <summary>Small valid manifests, distinct by an annotation, for store tests.</summary>
public static class SampleManifests
{
    public static readonly byte[] EmptyConfig = Encoding.UTF8.GetBytes("{}");

    public static ImageManifest Tiny(string name) => ManifestParser.Create(new ImageManifest
    {
        SchemaVersion = 2,
        DeclaredMediaType = MediaTypes.OciManifest,
        ArtifactType = "application/vnd.example.test",
        Config = new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = Digest.Compute(EmptyConfig), Size = EmptyConfig.Length },
        Layers = new[] { new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = Digest.Compute(EmptyConfig), Size = EmptyConfig.Length } },
        Annotations = new Dictionary<string, string> { ["org.example.name"] = name },
    });
}
