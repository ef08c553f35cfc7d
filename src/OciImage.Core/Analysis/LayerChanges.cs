namespace OciImage.Core.Analysis;

/// <summary>
/// What one layer did to the merged file system below it, counting everything but directories: paths it added,
/// paths it wrote again (changed), and paths its whiteouts, opaque markers or replacements removed, with their bytes.
/// </summary>
public sealed class LayerChanges
{
    public int FilesAdded { get; internal set; }

    public long BytesAdded { get; internal set; }

    public int FilesChanged { get; internal set; }

    public long BytesChanged { get; internal set; }

    public int FilesRemoved { get; internal set; }

    public long BytesRemoved { get; internal set; }
}
