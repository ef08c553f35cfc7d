namespace OciImage.Core.Copy;

/// <summary>
/// What the destination's tag named when this run looked, moments before the copy (a mirror's plan in the same
/// invocation, or its re-check of a saved plan): the copy decides from it whether the image is already there instead
/// of asking again. Never from a saved plan alone, which may be days old.
/// </summary>
internal sealed class TagSeen(Digest? digest)
{
    /// <summary>The digest the tag named; null when it was absent.</summary>
    public Digest? Digest { get; } = digest;
}
