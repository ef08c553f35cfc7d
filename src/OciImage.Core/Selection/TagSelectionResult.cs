using System.Collections.Generic;
using System.Linq;

namespace OciImage.Core.Selection;

/// <summary>
/// What a selection selected and, for retention, the complement. Both in one stable order: pinned digests first
/// as given, then versions in ascending <see cref="TagVersion"/> order, then other tags in ordinal order.
/// </summary>
public sealed class TagSelectionResult
{
    internal TagSelectionResult(IReadOnlyList<TagDecision> selected, IReadOnlyList<TagDecision> notSelected, int datesLookedUp)
    {
        Selected = selected;
        NotSelected = notSelected;
        DatesLookedUp = datesLookedUp;
    }

    public IReadOnlyList<TagDecision> Selected { get; }

    /// <summary>The complement: as a keep-selection, what retention removes.</summary>
    public IReadOnlyList<TagDecision> NotSelected { get; }

    public IReadOnlyList<string> SelectedTags => Selected.Select(d => d.Tag).ToList();

    public IReadOnlyList<string> NotSelectedTags => NotSelected.Select(d => d.Tag).ToList();

    /// <summary>How many tags the created-date lookup was asked about (each costs requests).</summary>
    public int DatesLookedUp { get; }
}
