using System.Collections.Generic;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Valid JSON of the wrong shape, one fixture per class of mistake and per document the module reads: null where
/// an object is needed, an array where an object is, a null inside a list or map, a required member missing, a
/// member of the wrong type. Each names the ErrorId it must become (null where a wrong document is a warning or
/// leaves the status to decide) and the JSON path the message must name.
/// </summary>
public static class HostileJson
{
    public const string Sha = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private const string Oci = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";
    private const string Layer = "application/vnd.oci.image.layer.v1.tar+gzip";
    private const string ConfigType = "application/vnd.oci.image.config.v1+json";
    private static readonly string GoodConfig = $$$"""{"mediaType":"{{{ConfigType}}}","digest":"{{{Sha}}}","size":5}""";
    private static readonly string GoodLayer = $$$"""{"mediaType":"{{{Layer}}}","digest":"{{{Sha}}}","size":5}""";
    private static readonly string GoodEntry = $$$"""{"mediaType":"{{{Oci}}}","digest":"{{{Sha}}}","size":5}""";

    /// <summary>Seeds of the right shape, one per kind: the fuzzer mutates these.</summary>
    public static readonly IReadOnlyDictionary<JsonDocumentKind, string> Valid = new Dictionary<JsonDocumentKind, string>
    {
        [JsonDocumentKind.Manifest] = $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":[{"mediaType":"{{{Layer}}}","digest":"{{{Sha}}}","size":5,"urls":["https://x"],"annotations":{"a":"b"}}],"subject":{{{GoodEntry}}},"annotations":{"k":"v"}}""",
        [JsonDocumentKind.Index] = $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}","manifests":[{"mediaType":"{{{Oci}}}","digest":"{{{Sha}}}","size":5,"platform":{"os":"linux","architecture":"arm64","variant":"v8","os.features":["x"]},"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}""",
        [JsonDocumentKind.Config] = $$$"""{"created":"2024-01-01T00:00:00Z","architecture":"amd64","os":"linux","os.features":["f"],"config":{"Env":["A=b"],"Cmd":["sh"],"Entrypoint":null,"Labels":{"x":"y"},"ExposedPorts":{"80/tcp":{} } },"rootfs":{"type":"layers","diff_ids":["{{{Sha}}}"]},"history":[{"created_by":"x","empty_layer":true},{"created_by":"y"}]}""",
        [JsonDocumentKind.LayoutIndex] = $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}","manifests":[{"mediaType":"{{{Oci}}}","digest":"{{{Sha}}}","size":5,"annotations":{"org.opencontainers.image.ref.name":"v1"}}],"annotations":{"x":"y"}}""",
        [JsonDocumentKind.LayoutFile] = """{"imageLayoutVersion":"1.0.0"}""",
        [JsonDocumentKind.DockerConfig] = """{"auths":{"registry.example":{"auth":"dXNlcjpwYXNz"},"other.example":{"username":"u","password":"p"},"token.example":{"identitytoken":"t"}},"HttpHeaders":{"User-Agent":"x"},"psFormat":"table"}""",
        [JsonDocumentKind.HelperAnswer] = """{"ServerURL":"registry.example","Username":"u","Secret":"s"}""",
        [JsonDocumentKind.TokenAnswer] = """{"token":"t","access_token":"t","expires_in":300,"issued_at":"2024-01-01T00:00:00Z"}""",
        [JsonDocumentKind.RegistryErrorBody] = """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}""",
        [JsonDocumentKind.DockerArchiveManifest] = """[{"Config":"config.json","RepoTags":["example/app:1"],"Layers":["layer.tar"]}]""",
        [JsonDocumentKind.NameList] = """{"name":"app","tags":["1","2"],"repositories":["a","b"]}""",
    };

    /// <summary>The hostile documents, each named for the mistake it makes.</summary>
    public static readonly IReadOnlyList<HostileDocument> All = new HostileDocument[]
    {
        new("ManifestConfigNull", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":null,"layers":[]}""", "InvalidManifest", "$.config"),
        new("ManifestLayersNull", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":null}""", "InvalidManifest", "$.layers"),
        new("ManifestLayerNull", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":[null]}""", "InvalidManifest", "$.layers[0]"),
        new("ManifestLayersAnObject", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":{}}""", "InvalidManifest", "$.layers"),
        new("ManifestLayerWithoutDigest", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":[{"mediaType":"{{{Layer}}}","size":5}]}""", "InvalidManifest", "$.layers[0].digest"),
        new("ManifestLayerMediaTypeNull", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":[{"mediaType":null,"digest":"{{{Sha}}}","size":5}]}""", "InvalidManifest", "$.layers[0].mediaType"),
        new("ManifestLayerSizeNegative", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":[{"mediaType":"{{{Layer}}}","digest":"{{{Sha}}}","size":-1}]}""", "InvalidManifest", "$.layers[0].size"),
        new("ManifestLayerUrlNull", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":[{"mediaType":"{{{Layer}}}","digest":"{{{Sha}}}","size":5,"urls":[null]}]}""", "InvalidManifest", "$.layers[0].urls[0]"),
        new("ManifestAnnotationNull", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":[{{{GoodLayer}}}],"annotations":{"a":null}}""", "InvalidManifest", "$.annotations.a"),
        new("ManifestSubjectWithoutDigest", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{GoodConfig}}},"layers":[{{{GoodLayer}}}],"subject":{"mediaType":"{{{Oci}}}","size":5}}""", "InvalidManifest", "$.subject.digest"),
        new("ManifestSizeAString", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{"mediaType":"{{{ConfigType}}}","digest":"{{{Sha}}}","size":"5"},"layers":[]}""", "InvalidManifest", "$.config.size"),
        new("IndexManifestsNull", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}","manifests":null}""", "InvalidManifest", "$.manifests"),
        new("IndexManifestNullEntry", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}","manifests":[null]}""", "InvalidManifest", "$.manifests[0]"),
        new("IndexManifestsAnObject", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}","manifests":{}}""", "InvalidManifest", "$.manifests"),
        new("IndexEntryWithoutDigest", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}","manifests":[{"mediaType":"{{{Oci}}}","size":5}]}""", "InvalidManifest", "$.manifests[0].digest"),
        new("IndexPlatformWithoutOs", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}","manifests":[{"mediaType":"{{{Oci}}}","digest":"{{{Sha}}}","size":5,"platform":{"architecture":"amd64"}}]}""", "InvalidManifest", "$.manifests[0].platform.os"),
        new("IndexPlatformFeatureNull", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}","manifests":[{"mediaType":"{{{Oci}}}","digest":"{{{Sha}}}","size":5,"platform":{"os":"linux","architecture":"amd64","os.features":[null]}}]}""", "InvalidManifest", "$.manifests[0].platform['os.features'][0]"),
        new("ConfigRootfsNull", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","rootfs":null}""", "InvalidManifest", "$.rootfs"),
        new("ConfigDiffIdsNull", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":null}}""", "InvalidManifest", "$.rootfs.diff_ids"),
        new("ConfigDiffIdNull", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[null]}}""", "InvalidManifest", "$.rootfs.diff_ids[0]"),
        new("ConfigHistoryNullEntry", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"history":[null]}""", "InvalidManifest", "$.history[0]"),
        new("ConfigEnvNullItem", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","config":{"Env":[null]},"rootfs":{"type":"layers","diff_ids":[]}}""", "InvalidManifest", "$.config.Env[0]"),
        new("ConfigLabelANumber", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","config":{"Labels":{"a":1}},"rootfs":{"type":"layers","diff_ids":[]}}""", "InvalidManifest", "$.config.Labels.a"),
        new("ConfigArchitectureNull", JsonDocumentKind.Config, """{"architecture":null,"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""", "InvalidManifest", "$.architecture"),
        new("ConfigConfigAnArray", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","config":[],"rootfs":{"type":"layers","diff_ids":[]}}""", "InvalidManifest", "$.config"),
        new("LayoutIndexAnArray", JsonDocumentKind.LayoutIndex, "[]", "InvalidManifest", "$"),
        new("LayoutIndexManifestsNull", JsonDocumentKind.LayoutIndex, """{"schemaVersion":2,"manifests":null}""", "InvalidManifest", "$.manifests"),
        new("LayoutIndexManifestNullEntry", JsonDocumentKind.LayoutIndex, """{"schemaVersion":2,"manifests":[null]}""", "InvalidManifest", "$.manifests[0]"),
        new("LayoutIndexEntryWithoutDigest", JsonDocumentKind.LayoutIndex, $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{{Oci}}}","size":5,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}""", "InvalidManifest", "$.manifests[0].digest"),
        new("LayoutIndexRefNameANumber", JsonDocumentKind.LayoutIndex, $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{{Oci}}}","digest":"{{{Sha}}}","size":5,"annotations":{"org.opencontainers.image.ref.name":1}}]}""", "InvalidManifest", "$.manifests[0].annotations"),
        new("LayoutIndexSchemaVersionFraction", JsonDocumentKind.LayoutIndex, """{"schemaVersion":2.5,"manifests":[]}""", "InvalidManifest", "$.schemaVersion"),
        new("LayoutFileAnArray", JsonDocumentKind.LayoutFile, "[]", "InvalidLayout", "$"),
        new("LayoutFileNull", JsonDocumentKind.LayoutFile, "null", "InvalidLayout", "$"),
        new("LayoutFileVersionANumber", JsonDocumentKind.LayoutFile, """{"imageLayoutVersion":1}""", "InvalidLayout", "$.imageLayoutVersion"),
        new("LayoutFileWithoutVersion", JsonDocumentKind.LayoutFile, "{}", "InvalidLayout", "$.imageLayoutVersion"),
        new("DockerConfigAnArray", JsonDocumentKind.DockerConfig, "[]", null, "$"),
        new("DockerConfigAuthsAnArray", JsonDocumentKind.DockerConfig, """{"auths":[]}""", null, "$.auths"),
        new("DockerConfigAuthNull", JsonDocumentKind.DockerConfig, """{"auths":{"registry.example":null}}""", null, "$.auths"),
        new("DockerConfigAuthANumber", JsonDocumentKind.DockerConfig, """{"auths":{"registry.example":{"auth":1}}}""", null, "$.auths"),
        new("HelperAnswerAnArray", JsonDocumentKind.HelperAnswer, "[]", null, "$"),
        new("HelperAnswerSecretANumber", JsonDocumentKind.HelperAnswer, """{"Username":"u","Secret":1}""", null, "$.Secret"),
        new("TokenAnswerAnArray", JsonDocumentKind.TokenAnswer, "[]", "Unauthorized", "$"),
        new("TokenAnswerNull", JsonDocumentKind.TokenAnswer, "null", "Unauthorized", "$"),
        new("TokenAnswerTokenANumber", JsonDocumentKind.TokenAnswer, """{"token":1}""", "Unauthorized", "$.token"),
        new("ErrorBodyErrorsOfStrings", JsonDocumentKind.RegistryErrorBody, """{"errors":["x"]}""", null, "$.errors[0]"),
        new("ErrorBodyErrorNull", JsonDocumentKind.RegistryErrorBody, """{"errors":[null]}""", null, "$.errors[0]"),
        new("ErrorBodyErrorsAnObject", JsonDocumentKind.RegistryErrorBody, """{"errors":{"code":"DENIED"}}""", null, "$.errors"),
        new("ErrorBodyAnArray", JsonDocumentKind.RegistryErrorBody, "[]", null, "$"),
        new("ArchiveRepoTagANumber", JsonDocumentKind.DockerArchiveManifest, """[{"Config":"config.json","RepoTags":[1],"Layers":["layer.tar"]}]""", "InvalidArchive", "$[0].RepoTags[0]"),
        new("ArchiveEntryNull", JsonDocumentKind.DockerArchiveManifest, "[null]", "InvalidArchive", "$[0]"),
        new("ArchiveManifestAnObject", JsonDocumentKind.DockerArchiveManifest, "{}", "InvalidArchive", "$"),
        new("ArchiveConfigNull", JsonDocumentKind.DockerArchiveManifest, """[{"Config":null,"Layers":["layer.tar"]}]""", "InvalidArchive", "$[0].Config"),
        new("ArchiveLayerNull", JsonDocumentKind.DockerArchiveManifest, """[{"Config":"config.json","Layers":[null]}]""", "InvalidArchive", "$[0].Layers[0]"),
        new("ArchiveLayersAString", JsonDocumentKind.DockerArchiveManifest, """[{"Config":"config.json","Layers":"layer.tar"}]""", "InvalidArchive", "$[0].Layers"),
        new("NameListTagsOfNumbers", JsonDocumentKind.NameList, """{"name":"app","tags":[1]}""", "InvalidManifest", "$.tags[0]"),
        new("NameListTagNull", JsonDocumentKind.NameList, """{"name":"app","tags":[null]}""", "InvalidManifest", "$.tags[0]"),
    };
}

/// <summary>One hostile document: what it is, its text, the ErrorId it must become (null: a warning, or the status decides) and the path its message names.</summary>
public sealed record HostileDocument(string Name, JsonDocumentKind Kind, string Json, string? ErrorId, string Path)
{
    public override string ToString() => Name;
}
