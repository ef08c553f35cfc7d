using System.Collections.Generic;
using System.Linq;
using OciImage.Core.Model;

namespace OciImage.Core.Images;

/// <summary>What happened to one image of a change: rewritten (before and after), or left as it is and why.</summary>
public sealed class ChildChange
{
    public ChildChange(Platform? platform, Digest before, Digest? after, string? leftAsIs, string? detail = null)
    {
        Platform = platform;
        Before = before;
        After = after;
        LeftAsIs = leftAsIs;
        Detail = detail;
    }

    /// <summary>The index entry's platform (or the image config's, for a single image).</summary>
    public Platform? Platform { get; }

    public Digest Before { get; }

    /// <summary>The new manifest's digest; null when the image was left as it is.</summary>
    public Digest? After { get; }

    /// <summary>Why the entry was left as it is (an artifact, an attestation, not asked for); null when changed.</summary>
    public string? LeftAsIs { get; }

    /// <summary>What the change did to this image, in a line (a rebase's layers, a squash's counts).</summary>
    public string? Detail { get; }

    public bool Changed => After is { } after && after != Before;
}

/// <summary>
/// The result of changing an image or every image of an index (issue 31's rule): what was written under the
/// tag, and for each image whether it changed or was left as it is.
/// </summary>
public sealed class ImageChange
{
    public ImageChange(Reference reference, Manifest written, IReadOnlyList<ChildChange> children)
    {
        Reference = reference;
        Written = written;
        Children = children;
    }

    /// <summary>Where the result was written, pinned to its digest.</summary>
    public Reference Reference { get; }

    /// <summary>The manifest or index written (under the tag).</summary>
    public Manifest Written { get; }

    public IReadOnlyList<ChildChange> Children { get; }

    public IEnumerable<ChildChange> LeftAsIs => Children.Where(c => c.LeftAsIs is not null);
}
