using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Archives;

/// <summary>
/// Where an archive store's tar comes from and goes to: a file (oci-archive:, docker-archive:) or something that
/// streams one, such as a Docker daemon's API. The store reads it once into its work folder and writes it once, on
/// commit; the medium decides how (a file is replaced atomically).
/// </summary>
internal abstract class ArchiveMedium
{
    /// <summary>The archive as messages name it (a path, an endpoint and image).</summary>
    public abstract string Name { get; }

    /// <summary>Whether there is content to read first: a new archive file starts empty, and so does a load into a daemon.</summary>
    public abstract bool HasContent { get; }

    /// <summary>Where the store's work folder goes: beside the result when writing (one file system for the rename), else the temp folder.</summary>
    public abstract WorkFolder NewWorkFolder(bool writing);

    /// <summary>How many bytes reading may unpack: a file bounds itself (its size); a stream from elsewhere does not.</summary>
    public virtual long UnpackBudget(string workFolder) => long.MaxValue;

    /// <summary>The archive's tar, streamed.</summary>
    public abstract Task<Stream> OpenReadAsync(CancellationToken cancellationToken);

    /// <summary>Writes the archive: <paramref name="write"/> produces the tar into the stream given; it becomes the archive whole or not at all.</summary>
    public abstract Task WriteAsync(Action<Stream> write, CancellationToken cancellationToken);
}

/// <summary>An archive file: read in place, written to a temp file beside it and renamed over it.</summary>
internal sealed class ArchiveFile : ArchiveMedium
{
    public ArchiveFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The full path.</summary>
    public string Path { get; }

    public override string Name => Path;

    public override bool HasContent => File.Exists(Path);

    public override WorkFolder NewWorkFolder(bool writing) => writing ? WorkFolder.Beside(Path) : WorkFolder.InTemp();

    public override Task<Stream> OpenReadAsync(CancellationToken cancellationToken) =>
        File.Exists(Path)
            ? Task.FromResult<Stream>(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            : throw new FileNotFoundOciException(Path);

    public override Task WriteAsync(Action<Stream> write, CancellationToken cancellationToken)
    {
        var temp = AtomicFile.TempPathBeside(Path);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
            }

            AtomicFile.MoveOver(temp, Path);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }

        return Task.CompletedTask;
    }
}
