using System.Collections.Generic;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Documents where a generated JSON contract can read differently from reflection's: members that are missing
/// (where a generated contract sets an init-only property to default instead of keeping its initializer),
/// explicitly null, unknown, repeated or of the wrong type. Each must read to the same value, or fail with the
/// same message, through both (OciJsonContractTests); the valid and hostile seeds of <see cref="HostileJson"/> and
/// their mutations are read too.
/// </summary>
public static class ContractDivergence
{
    private const string Sha = HostileJson.Sha;
    private const string Oci = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";
    private static readonly string Config = $$$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{Sha}}}","size":5}""";

    public static readonly IReadOnlyList<(string Name, JsonDocumentKind Kind, string Json)> All = new[]
    {
        ("ManifestWithoutConfig", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","layers":[]}"""),
        ("ManifestWithoutLayers", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"mediaType":"{{{Oci}}}","config":{{{Config}}}}"""),
        ("ManifestConfigWithoutMediaType", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"config":{"digest":"{{{Sha}}}","size":5},"layers":[]}"""),
        ("ManifestEmptyObject", JsonDocumentKind.Manifest, "{}"),
        ("ManifestUnknownMembers", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"x-new":{"a":[1,2]},"config":{{{Config}}},"layers":[{"mediaType":"m","digest":"{{{Sha}}}","size":1,"x-extra":true}]}"""),
        ("ManifestRepeatedMember", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"layers":[],"config":{{{Config}}},"layers":[{"mediaType":"m","digest":"{{{Sha}}}","size":1}]}"""),
        ("ManifestRepeatedUnknownMember", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"config":{{{Config}}},"layers":[],"x":1,"x":2}"""),
        ("ManifestSchemaVersionAString", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":"2","config":{{{Config}}},"layers":[]}"""),
        ("ManifestMemberCaseDiffers", JsonDocumentKind.Manifest, $$$"""{"schemaVersion":2,"Config":{{{Config}}},"LAYERS":[]}"""),
        ("IndexWithoutManifests", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"mediaType":"{{{OciIndex}}}"}"""),
        ("IndexEntryWithoutMediaType", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"manifests":[{"digest":"{{{Sha}}}","size":5,"platform":{"os":"linux","architecture":"amd64"}}]}"""),
        ("IndexPlatformWithoutArchitecture", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{{Oci}}}","digest":"{{{Sha}}}","size":5,"platform":{"os":"linux"}}]}"""),
        ("IndexPlatformEmptyVariant", JsonDocumentKind.Index, $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{{Oci}}}","digest":"{{{Sha}}}","size":5,"platform":{"os":"linux","architecture":"arm","variant":""}}]}"""),
        ("ConfigEmptyObject", JsonDocumentKind.Config, "{}"),
        ("ConfigWithoutRootfs", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux"}"""),
        ("ConfigRootfsWithoutDiffIds", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}"""),
        ("ConfigRootfsWithoutType", JsonDocumentKind.Config, $$$"""{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":["{{{Sha}}}"]}}"""),
        ("ConfigWithoutArchitectureOrOs", JsonDocumentKind.Config, """{"rootfs":{"type":"layers","diff_ids":[]}}"""),
        ("ConfigOddCreated", JsonDocumentKind.Config, """{"created":"yesterday","architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"history":[{"created":"0001-01-01T00:00:00Z"}]}"""),
        ("ConfigUnknownMembers", JsonDocumentKind.Config, """{"architecture":"amd64","os":"linux","container_config":{"Hostname":"x"},"config":{"Healthcheck":{"Test":["x"]}},"rootfs":{"type":"layers","diff_ids":[]}}"""),
        ("LayoutFileEmptyObject", JsonDocumentKind.LayoutFile, "{}"),
        ("TokenAnswerEmptyObject", JsonDocumentKind.TokenAnswer, "{}"),
        ("TokenAnswerExpiresAString", JsonDocumentKind.TokenAnswer, """{"token":"t","expires_in":"60"}"""),
        ("DockerConfigEmptyObject", JsonDocumentKind.DockerConfig, "{}"),
        ("NameListEmptyObject", JsonDocumentKind.NameList, "{}"),
        ("ErrorBodyEmptyObject", JsonDocumentKind.RegistryErrorBody, "{}"),
        ("ArchiveEntryEmptyObject", JsonDocumentKind.DockerArchiveManifest, "[{}]"),
    };
}
