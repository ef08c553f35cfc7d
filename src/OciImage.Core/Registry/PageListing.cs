namespace OciImage.Core.Registry;

/// <summary>
/// How a paged listing ended, filled in by the pager: complete only when it read a page that names no next page.
/// A listing the caller left, that failed, or whose next page was refused stays incomplete, so nothing concludes a
/// name is absent from it.
/// </summary>
internal sealed class PageListing
{
    /// <summary>Every page was read: a name not in the listing is not in the repository (or registry).</summary>
    public bool Complete { get; private set; }

    /// <summary>Why the pager stopped before the registry's last page; null when it did not.</summary>
    public string? StoppedEarly { get; private set; }

    internal void Finished() => Complete = true;

    internal void Stopped(string reason) => StoppedEarly = reason;
}
