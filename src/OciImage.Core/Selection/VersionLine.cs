namespace OciImage.Core.Selection;

/// <summary>Whether newest-N counts over all tags or once per release line (major: 1.x, 2.x; minor: 1.24.x, 1.25.x).</summary>
public enum VersionLine
{
    All,
    Major,
    Minor,
}
