using System;
using System.IO;

namespace OciImage.Core.IO;

/// <summary>Writes a file so that readers see the old or the new content, never a half-written one.</summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var temp = TempPathBeside(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content.ToArray(), 0, content.Length);
                stream.Flush(flushToDisk: true);
            }

            MoveOver(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A hidden temp name in the same directory, so the final rename stays on one file system.</summary>
    public static string TempPathBeside(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp-" + Guid.NewGuid().ToString("N"));

    /// <summary>Renames temp onto path, replacing it if it exists (rename(2) on Unix is atomic).</summary>
    public static void MoveOver(string temp, string path)
    {
        if (File.Exists(path))
        {
            File.Replace(temp, path, null, ignoreMetadataErrors: true);
        }
        else
        {
            try
            {
                File.Move(temp, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another writer created it first; content-addressed callers do not mind, others retry under a lock.
                File.Replace(temp, path, null, ignoreMetadataErrors: true);
            }
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
