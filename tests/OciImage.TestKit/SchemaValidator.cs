using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NJsonSchema;

namespace OciImage.TestKit;

/// <summary>Validates documents against the OCI image-spec JSON schemas in ../shared/oci-schemas.</summary>
public static class SchemaValidator
{
    public const string Index = "image-index-schema.json";
    public const string Manifest = "image-manifest-schema.json";
    public const string Config = "config-schema.json";
    public const string Layout = "image-layout-schema.json";

    /// <summary>The validation errors (empty when valid).</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(string schemaFile, string json)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(RepoPaths.SchemaFolder, schemaFile));
        return schema.Validate(json).Select(e => e.ToString()).ToList();
    }
}
