namespace OciImage.Core.Selection;

/// <summary>What a selection is for; the two differ only for tags a rule cannot judge.</summary>
public enum SelectionUse
{
    /// <summary>
    /// Take what the rules select (a mirror's source, Get-OciTag): a date rule drops undated tags (they sort last
    /// for newest-N by date), a version rule drops tags that are not versions.
    /// </summary>
    Filter,

    /// <summary>
    /// Keep what the rules select and remove the rest (retention): a rule never removes what it cannot judge, so
    /// undated tags pass every date rule (newest-N by date too, without counting towards N) and tags that are not
    /// versions (latest, main) pass every version rule. Name rules (wildcards, regex) judge every tag.
    /// </summary>
    Keep,
}
