using System.IO;
using Xunit;

namespace OciImage.TestKit;

/// <summary>A fact that is skipped, saying why, when an external program it needs is not installed.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        foreach (var tool in tools)
        {
            if (!ExternalTool.IsInstalled(tool))
            {
                Skip = $"'{tool}' is not installed (.ci/run installs it with apt-get).";
                return;
            }
        }
    }
}

/// <summary>A fact that needs the OCI JSON schemas from ../shared/oci-schemas; skipped where they are absent.</summary>
public sealed class SchemaFactAttribute : FactAttribute
{
    public SchemaFactAttribute()
    {
        if (!Directory.Exists(RepoPaths.SchemaFolder))
        {
            Skip = $"The OCI schemas are not at {RepoPaths.SchemaFolder} (they ship beside the checkout, not in it).";
        }
    }
}

/// <summary>A theory that is skipped, saying why, when an external program it needs is not installed.</summary>
public sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(params string[] tools)
    {
        foreach (var tool in tools)
        {
            if (!ExternalTool.IsInstalled(tool))
            {
                Skip = $"'{tool}' is not installed (.ci/run installs it with apt-get).";
                return;
            }
        }
    }
}
