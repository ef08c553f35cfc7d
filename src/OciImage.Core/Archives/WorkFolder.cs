using System;
using System.IO;
using OciImage.Core.IO;

namespace OciImage.Core.Archives;

/// <summary>
/// A temp folder for archive work, deleted on dispose: beside where the result goes (so the final rename stays on
/// one file system), or in the system's temp folder when only reading (an archive may be on read-only media).
/// Named .ociimage-archive-PID-RANDOM and claimed with a lock (<see cref="ClaimedFolder"/>): each new one first
/// sweeps those beside it that a killed process left.
/// </summary>
internal sealed class WorkFolder : IDisposable
{
    public const string Stem = ".ociimage-archive";

    private readonly ClaimedFolder _claim;

    private WorkFolder(string parent)
    {
        ClaimedFolder.SweepAbandoned(parent, stem => stem == Stem);
        _claim = ClaimedFolder.Create(parent, Stem);
    }

    public string Path => _claim.Path;

    /// <summary>A new folder in the directory that holds <paramref name="beside"/>.</summary>
    public static WorkFolder Beside(string beside) =>
        new(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(beside))!);

    /// <summary>A new folder under the system's temp folder.</summary>
    public static WorkFolder InTemp() => new(System.IO.Path.GetTempPath());

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => _claim.Dispose();
}
