namespace OciImage.Core.Analysis;

/// <summary>Whether a layer is in both images (Shared), only the difference image (Added) or only the reference (Removed).</summary>
public enum LayerChange
{
    Shared,
    Added,
    Removed,
}
