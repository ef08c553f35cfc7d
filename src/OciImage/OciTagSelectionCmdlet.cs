using System;
using System.Management.Automation;
using OciImage.Core.Selection;

namespace OciImage;

/// <summary>
/// Base of the cmdlets that choose tags (Get-OciTag today; mirroring and retention next): the parameters of the
/// engine's one <see cref="Core.Selection.TagSelection"/>, applied in the order the help gives. Engine types stay
/// out of parameter types: PowerShell reads them at import, before the engine is loaded.
/// </summary>
public abstract class OciTagSelectionCmdlet : OciRegistryCmdlet
{
    /// <summary>The wildcards a tag must match one of (Get-OciTag's -Name, Sync-OciRepository's -Include); null: every tag.</summary>
    protected abstract string[]? IncludeWildcards { get; }

    /// <summary>Leaves out tags that match one of these wildcard patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Exclude { get; set; }

    /// <summary>Only tags that match this regular expression (a match must end within a second).</summary>
    [Parameter]
    public string? Match { get; set; }

    /// <summary>Only versions in this range: '>=1.25 <2', '~1.25', '^1.2', '1.25.x' (docs/TAG-SELECTION.md).</summary>
    [Parameter]
    public string? VersionRange { get; set; }

    /// <summary>The variant a version rule takes ('alpine' for 1.2.3-alpine; '*' for every variant); without it, tags without a variant.</summary>
    [Parameter]
    public string? Variant { get; set; }

    /// <summary>Version rules take pre-releases (1.2.3-rc.1) too.</summary>
    [Parameter]
    public SwitchParameter IncludePrerelease { get; set; }

    /// <summary>Only tags created on or after this date (one config read a tag; undated tags pass).</summary>
    [Parameter]
    public DateTimeOffset? CreatedSince { get; set; }

    /// <summary>Only tags created before this date (one config read a tag; undated tags pass).</summary>
    [Parameter]
    public DateTimeOffset? CreatedBefore { get; set; }

    /// <summary>Only the newest N, by version (or -NewestBy Created), in each -NewestPer line.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Newest { get; set; }

    [Parameter]
    [ValidateSet("Version", "Created")]
    public string NewestBy { get; set; } = "Version";

    [Parameter]
    [ValidateSet("All", "Major", "Minor")]
    public string NewestPer { get; set; } = "All";

    /// <summary>The selection the parameters describe, or null when none was given (every tag, as it comes).</summary>
    protected TagSelection? TagSelection()
    {
        var any = IncludeWildcards is not null || Exclude is not null || Match is not null || VersionRange is not null || Variant is not null
            || CreatedSince is not null || CreatedBefore is not null || Newest is not null;
        return !any ? null : new Core.Selection.TagSelection
        {
            Include = IncludeWildcards,
            Exclude = Exclude,
            Pattern = Match,
            VersionRange = VersionRange,
            Variant = Variant,
            IncludePrerelease = IncludePrerelease,
            CreatedSince = CreatedSince,
            CreatedBefore = CreatedBefore,
            Newest = Newest,
            NewestBy = (NewestBy)Enum.Parse(typeof(NewestBy), NewestBy, ignoreCase: true),
            NewestPer = (VersionLine)Enum.Parse(typeof(VersionLine), NewestPer, ignoreCase: true),
        };
    }

}
