using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace OciImage.Core.IO;

/// <summary>
/// A work folder its writer claims with a lock: named STEM-PID-RANDOM, with a lock file STEM-PID-RANDOM.lock
/// beside it (not inside: the folder's content is packed or renamed whole) that the writer keeps open with
/// FileShare.None (flock on Unix) for as long as it works. A writer killed half way (SIGKILL, a power cut) cannot
/// delete its folder; the next one beside it can: <see cref="SweepAbandoned"/> removes the folders whose lock it
/// can take. The lock, not the pid, decides: a pid is reused, and containers sharing a volume see other pid
/// spaces (the pid in the name only says who wrote it). A folder whose lock file is missing is left alone.
/// </summary>
internal sealed class ClaimedFolder : IDisposable
{
    public const string LockSuffix = ".lock";

    private static readonly Regex Name = new("^(?<stem>.+)-(?<pid>[0-9]{1,10})-[0-9a-f]{32}$", RegexOptions.CultureInvariant);
    private readonly FileStream _lock;
    private bool _disposed;

    private ClaimedFolder(string path, FileStream lockFile)
    {
        Path = path;
        _lock = lockFile;
    }

    /// <summary>The folder, a full path.</summary>
    public string Path { get; }

    /// <summary>Claims a new folder STEM-PID-RANDOM in <paramref name="parent"/>: its lock file first, then the folder.</summary>
    public static ClaimedFolder Create(string parent, string stem)
    {
        var path = System.IO.Path.Combine(parent, stem + "-" + CurrentProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N"));
        var lockFile = new FileStream(path + LockSuffix, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        try
        {
            Directory.CreateDirectory(path);
            return new ClaimedFolder(path, lockFile);
        }
        catch
        {
            lockFile.Dispose();
            AtomicFile.TryDelete(path + LockSuffix);
            throw;
        }
    }

    /// <summary>
    /// Removes the folders in <paramref name="parent"/> whose stem <paramref name="isStem"/> accepts and whose
    /// lock nobody holds: their writer died. Failures leave them for another time.
    /// </summary>
    public static void SweepAbandoned(string parent, Func<string, bool> isStem)
    {
        if (LockingDisabled)
        {
            return; // without locks a live writer's folder cannot be told apart
        }

        string[] locks;
        try
        {
            locks = Directory.GetFiles(parent, "*" + LockSuffix);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var lockPath in locks)
        {
            var folder = lockPath.Substring(0, lockPath.Length - LockSuffix.Length);
            var match = Name.Match(System.IO.Path.GetFileName(folder));
            if (!match.Success || !isStem(match.Groups["stem"].Value))
            {
                continue;
            }

            try
            {
                // Taken only when its writer has gone; held while the folder is removed. The lock file goes after
                // (Windows cannot delete an open file): another sweeper meanwhile finds no folder, and no harm.
                bool gone;
                using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    DeleteTree(folder);
                    gone = !Directory.Exists(folder);
                }

                if (gone)
                {
                    File.Delete(lockPath);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>
    /// Deletes a tree, making its directories writable first where a read-only one (an expanded image's modes)
    /// blocks it; links are removed, never followed. Failures are ignored.
    /// </summary>
    public static void DeleteTree(string path)
    {
        for (var attempt = 0; attempt < 2 && Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                MakeDirectoriesWritable(path);
            }
        }
    }

    /// <summary>Deletes the folder (if still there), then releases and removes the lock.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DeleteTree(Path);
        _lock.Dispose();
        if (!Directory.Exists(Path))
        {
            AtomicFile.TryDelete(Path + LockSuffix);
        }
    }

    private static void MakeDirectoriesWritable(string root)
    {
        var pending = new System.Collections.Generic.Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            var status = UnixFileStatus.Of(directory);
            if (status is not { Type: UnixFileType.Directory })
            {
                continue;
            }

            if (NoFollow.SetMode(directory, 0x1C0) == NoFollow.Unsupported)
            {
                UnixFileSystem.SetPermissions(directory, 0x1C0); // just checked by lstat: a directory, not a link
            }

            try
            {
                foreach (var child in new DirectoryInfo(directory).EnumerateDirectories())
                {
                    if ((child.Attributes & FileAttributes.ReparsePoint) == 0)
                    {
                        pending.Push(child.FullName);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static readonly int CurrentProcessId = System.Diagnostics.Process.GetCurrentProcess().Id;

    // .NET takes no flock when this is set, so every lock would seem free.
    private static bool LockingDisabled =>
        Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true"
        || (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled);
}
