namespace OciImage.Core.Selection;

/// <summary>The rules of a selection, in the order they are applied; a tag not selected names the one that dropped it.</summary>
public enum SelectionStep
{
    Include,
    Exclude,
    Regex,

    /// <summary>A version rule is in use and the tag is not a version (Filter use only).</summary>
    NotAVersion,
    VersionRange,

    /// <summary>A version rule is in use, the range names no pre-release and IncludePrerelease is off.</summary>
    Prerelease,
    Variant,
    CreatedSince,
    CreatedBefore,
    Newest,
}
