namespace OciImage.Core.Selection;

/// <summary>What "newest" means for a selection's newest-N rule.</summary>
public enum NewestBy
{
    /// <summary>Highest version first (<see cref="TagVersion"/> order): a version rule.</summary>
    Version,

    /// <summary>Latest created date first; undated last; ties by version, then tag.</summary>
    Created,
}
