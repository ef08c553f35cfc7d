using OciImage.Core.Base;

namespace OciImage;

/// <summary>Whether an image's recorded base is still what its name gives (Test-OciImage -BaseCurrent).</summary>
public sealed class OciBaseStatus
{
    public OciBaseStatus(BaseStatus status)
    {
        Reference = status.Image.ToString();
        Platform = status.Platform?.ToString();
        BaseName = status.BaseName;
        RecordedDigest = status.RecordedDigest?.ToString();
        CurrentDigest = status.CurrentDigest?.ToString();
        IsCurrent = status.IsCurrent;
        LayersToRemove = status.LayersToRemove;
        LayersToAdd = status.LayersToAdd;
        ChangedLayers = status.ChangedLayers;
    }

    /// <summary>The image checked, pinned to its digest; it pipes into Update-OciImageBase.</summary>
    public string Reference { get; }

    public string? Platform { get; }

    /// <summary>org.opencontainers.image.base.name.</summary>
    public string? BaseName { get; }

    /// <summary>org.opencontainers.image.base.digest: what the name gave when the image was built.</summary>
    public string? RecordedDigest { get; }

    /// <summary>What the name gives now.</summary>
    public string? CurrentDigest { get; }

    public bool IsCurrent { get; }

    /// <summary>Layers of the old base the current base no longer has (empty when the old base can no longer be read).</summary>
    public int? LayersToRemove { get; }

    /// <summary>Layers of the current base the image lacks.</summary>
    public int LayersToAdd { get; }

    /// <summary>The layers a rebase would change.</summary>
    public int? ChangedLayers { get; }

    public override string ToString() => IsCurrent ? $"{Reference}: current on {BaseName}" : $"{Reference}: {BaseName} moved from {RecordedDigest} to {CurrentDigest}";
}
