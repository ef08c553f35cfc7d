using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Verbs;

/// <summary>
/// A file read out of an image, its bytes verified, held in a private temp folder (0700, so no other user can
/// open it while it is written) and removed on dispose: read as lines, as one string or as bytes, as Get-Content
/// gives them. Lines stream (memory is bounded by the longest line); text and bytes are refused over
/// <see cref="ContentVerb.MaximumInMemory"/>.
/// </summary>
public sealed class ImageFile : IDisposable
{
    /// <summary>The longest line handed over; a longer one (a minified or binary file) is ContentTooLarge.</summary>
    public const int MaximumLineLength = 64 << 20;

    private readonly string _folder;

    private ImageFile(string folder, FileStream stream, string path, long size)
    {
        _folder = folder;
        Stream = stream;
        Path = path;
        Size = size;
    }

    /// <summary>The path the file resolved to in the image ("/usr/lib/os-release" for "/etc/os-release").</summary>
    public string Path { get; }

    public long Size { get; }

    internal FileStream Stream { get; }

    internal static ImageFile Create(string path, long size)
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), ".ociimage-content-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            UnixFileSystem.SetPermissions(folder, 0x1C0);
            var stream = new FileStream(System.IO.Path.Combine(folder, "content"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            return new ImageFile(folder, stream, path, size);
        }
        catch
        {
            TryDeleteFolder(folder);
            throw;
        }
    }

    /// <summary>The bytes, whole.</summary>
    public byte[] ReadBytes()
    {
        Refuse(Size);
        var bytes = new byte[Size];
        Stream.Position = 0;
        var read = 0;
        int n;
        while (read < bytes.Length && (n = Stream.Read(bytes, read, bytes.Length - read)) > 0)
        {
            read += n;
        }

        return bytes;
    }

    /// <summary>The text, whole, line ends kept (UTF-8, or the encoding a byte order mark names).</summary>
    public string ReadText()
    {
        Refuse(Size);
        Stream.Position = 0;
        using var reader = new StreamReader(Stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true);
        return reader.ReadToEnd();
    }

    /// <summary>The lines, without their ends: "\n", "\r\n" and "\r" each end one, and a last line end adds no empty line.</summary>
    public IEnumerable<string> Lines()
    {
        Stream.Position = 0;
        using var reader = new StreamReader(Stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true);
        var line = new StringBuilder();
        var buffer = new char[1 << 14];
        var afterCr = false;
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                var c = buffer[i];
                if (c != '\n' && c != '\r')
                {
                    afterCr = false;
                    continue;
                }

                if (c == '\n' && afterCr)
                {
                    // The second half of "\r\n": the line ended at the '\r'.
                    afterCr = false;
                    start = i + 1;
                    continue;
                }

                Append(line, buffer, start, i - start);
                yield return line.ToString();
                line.Clear();
                afterCr = c == '\r';
                start = i + 1;
            }

            Append(line, buffer, start, n - start);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        TryDeleteFolder(_folder);
    }

    private void Append(StringBuilder line, char[] buffer, int start, int count)
    {
        if (line.Length + count > MaximumLineLength)
        {
            throw new ContentTooLargeException(Path + " (a line of it)", line.Length + (long)count, MaximumLineLength);
        }

        line.Append(buffer, start, count);
    }

    private void Refuse(long size)
    {
        if (size > ContentVerb.MaximumInMemory)
        {
            throw new ContentTooLargeException(Path, size, ContentVerb.MaximumInMemory);
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
