namespace OciImage.Core.Mirror;

/// <summary>What a mirror plans for one image.</summary>
public enum SyncAction
{
    /// <summary>The destination lacks the tag: copy the source's image there.</summary>
    Copy,

    /// <summary>The destination's tag names another image (the tag moved at the source): copy over it.</summary>
    Update,

    /// <summary>The destination already holds what the source's tag names: nothing to do.</summary>
    UpToDate,

    /// <summary>A destination tag outside the source selection: remove it (only with -Prune).</summary>
    Prune,
}
