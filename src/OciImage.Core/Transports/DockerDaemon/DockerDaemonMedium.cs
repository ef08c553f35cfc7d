using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Archives;
using OciImage.Core.Errors;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// A daemon's image as an archive: read as <c>docker save</c> streams it (GET /images/get), written as
/// <c>docker load</c> takes it (POST /images/load, the tar streamed in chunks as it is packed). Nothing of it is
/// kept as a tar file: the archive store unpacks the stream into its work folder as it arrives.
/// </summary>
internal sealed class DockerDaemonMedium : ArchiveMedium
{
    private readonly DockerDaemonClient _client;
    private readonly string _image;
    private readonly Reference _reference;
    private readonly bool _writing;

    public DockerDaemonMedium(DockerDaemonClient client, string image, Reference reference, bool writing)
    {
        _client = client;
        _image = image;
        _reference = reference;
        _writing = writing;
    }

    public override string Name => $"{_image} in the Docker daemon at {_client.Endpoint}";

    /// <summary>A load adds to what the daemon holds; nothing is read first.</summary>
    public override bool HasContent => !_writing;

    public override WorkFolder NewWorkFolder(bool writing) => WorkFolder.InTemp();

    /// <summary>What a save may unpack: the work folder's free space less 1 GiB, so an endless stream cannot fill the disk.</summary>
    public override long UnpackBudget(string workFolder)
    {
        const long reserve = 1L << 30;
        try
        {
            // statvfs of the folder itself on Unix (its mount); a drive letter on Windows.
            var full = Path.GetFullPath(workFolder);
            var drive = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows) ? Path.GetPathRoot(full)! : full;
            var free = new DriveInfo(drive).AvailableFreeSpace;
            return Math.Max(0, free - reserve);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return 64L << 30;
        }
    }

    public override async Task<Stream> OpenReadAsync(CancellationToken cancellationToken)
    {
        if (await _client.InspectAsync(_image, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ManifestUnknownException(_reference.ToString(), $"the Docker daemon at {_client.Endpoint} has no image '{_image}' (docker images lists what it has)") { Target = _reference };
        }

        return await _client.SaveAsync(_image, cancellationToken).ConfigureAwait(false);
    }

    public override async Task WriteAsync(Action<Stream> write, CancellationToken cancellationToken)
    {
        await _client.LoadAsync((body, _) =>
        {
            write(body);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
    }
}
