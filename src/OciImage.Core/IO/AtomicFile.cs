using System;
using System.IO;

namespace OciImage.Core.IO;

/// <summary>Writes a file so that readers see the old or the new content, never a half-written one.</summary>
internal static class AtomicFile
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
        Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp-" + CurrentProcessId + "-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Removes the temp files of <paramref name="path"/> that a writer killed half way left: named by
    /// <see cref="TempPathBeside"/> for a process that no longer runs, and held open by nobody. A live writer's
    /// temp file is never touched (its process runs); a name of another form is left alone.
    /// </summary>
    public static void SweepAbandonedTemps(string path)
    {
        var prefix = "." + Path.GetFileName(path) + ".tmp-";
        string[] temps;
        try
        {
            temps = Directory.GetFiles(Path.GetDirectoryName(path)!, prefix + "*");
        }
        catch (IOException)
        {
            return;
        }

        foreach (var temp in temps)
        {
            var rest = Path.GetFileName(temp).Substring(prefix.Length);
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest.Substring(0, dash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                || rest.Length - dash - 1 != 32 || pid == CurrentProcessId || IsRunning(pid))
            {
                continue;
            }

            try
            {
                // Nobody holds it (a writer keeps its temp file open with FileShare.None until it is renamed).
                using (new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                File.Delete(temp);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static readonly int CurrentProcessId = System.Diagnostics.Process.GetCurrentProcess().Id;

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

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
