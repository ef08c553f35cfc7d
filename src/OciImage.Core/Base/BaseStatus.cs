using OciImage.Core.Images;

namespace OciImage.Core.Base;

/// <summary>
/// Whether an image still sits on what its base name gives today (regctl image check-base): the recorded base
/// name and digest, the digest the name gives now, and how many layers a rebase would take out and put in.
/// </summary>
public sealed class BaseStatus
{
    /// <summary>The image checked, pinned to its digest (an index's platform image when the reference named an index).</summary>
    public Reference Image { get; init; } = null!;

    public Platform? Platform { get; init; }

    /// <summary>org.opencontainers.image.base.name; null when the image records no base.</summary>
    public string? BaseName { get; init; }

    /// <summary>org.opencontainers.image.base.digest.</summary>
    public Digest? RecordedDigest { get; init; }

    /// <summary>What the base name resolves to now.</summary>
    public Digest? CurrentDigest { get; init; }

    /// <summary>True when the name still gives the recorded digest (the index's, or this platform's image's).</summary>
    public bool IsCurrent { get; init; }

    /// <summary>The image's layers that came from the recorded base and that the current base no longer has (null when the recorded base can no longer be read).</summary>
    public int? LayersToRemove { get; init; }

    /// <summary>The current base's layers the image lacks.</summary>
    public int LayersToAdd { get; init; }

    /// <summary>The layers a rebase would change: those removed plus those added.</summary>
    public int? ChangedLayers => LayersToRemove is { } removed ? removed + LayersToAdd : null;
}
