using System;
using System.IO;

namespace OciImage.Core.Archives;

/// <summary>
/// A temp folder for archive work, deleted on dispose: beside where the result goes (so the final rename stays on
/// one file system), or in the system's temp folder when only reading (an archive may be on read-only media).
/// </summary>
public sealed class WorkFolder : IDisposable
{
    private WorkFolder(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
    }

    public string Path { get; }

    /// <summary>A new folder in the directory that holds <paramref name="beside"/>.</summary>
    public static WorkFolder Beside(string beside) =>
        new(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(beside))!, ".ociimage-archive-" + Guid.NewGuid().ToString("N").Substring(0, 12)));

    /// <summary>A new folder under the system's temp folder.</summary>
    public static WorkFolder InTemp() =>
        new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), ".ociimage-archive-" + Guid.NewGuid().ToString("N").Substring(0, 12)));

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
