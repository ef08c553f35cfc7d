using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OciImage.Core.Archives;
using OciImage.Core.Layout;
using OciImage.Core.Registry;

namespace OciImage.Core.Model;

/// <summary>
/// The JSON contracts of every document the module reads or writes, generated at compile time, so a fresh
/// process does not build them by reflection (and emit and JIT their accessors) before its first manifest.
/// The generator sets an init-only property that is missing from the JSON to default rather than leaving its
/// initializer's value (dotnet/runtime#84484), so a member that has a default other than null is settable
/// instead; OciJsonContractTests holds both contracts to the same results and fails on an init-only member
/// with such a default.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = false,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    MaxDepth = 64)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(TokenAnswer))]
[JsonSerializable(typeof(NameList))]
[JsonSerializable(typeof(DockerConfigFile))]
[JsonSerializable(typeof(CredentialHelperAnswer))]
[JsonSerializable(typeof(RegistryErrorBody))]
[JsonSerializable(typeof(DockerArchiveManifest))]
[JsonSerializable(typeof(LayoutFile))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class OciJsonContext : JsonSerializerContext
{
}
