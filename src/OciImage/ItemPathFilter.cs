using System.Linq;
using System.Management.Automation;

namespace OciImage;

/// <summary>
/// Get-OciLayerItem -Path: PowerShell's wildcards (* ? [a-z], ` to escape) over the paths as the items show them
/// ("/etc/os-release"), case-sensitive as Linux paths are; a pattern without its leading '/' gets one. No patterns
/// take every item.
/// </summary>
internal sealed class ItemPathFilter
{
    private readonly WildcardPattern[]? _patterns;

    public ItemPathFilter(string[]? patterns) =>
        _patterns = patterns?.Select(p => CheckedWildcard.Get(p.StartsWith("/", System.StringComparison.Ordinal) ? p : "/" + p, WildcardOptions.None)).ToArray();

    /// <summary>The filter; a pattern that does not parse is a terminating InvalidSelection (it applies to every input).</summary>
    public static ItemPathFilter Create(string[]? patterns, System.Action<ErrorRecord> fail)
    {
        try
        {
            return new ItemPathFilter(patterns);
        }
        catch (Core.Errors.InvalidSelectionException ex)
        {
            fail(ErrorMapping.ToErrorRecord(ex, patterns));
            throw;
        }
    }

    /// <summary>True when <paramref name="path"/> ("/a/b") matches a pattern, or there are none.</summary>
    public bool Includes(string path) => _patterns is null || _patterns.Any(p => p.IsMatch(path));
}
