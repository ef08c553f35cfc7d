using System;
using System.IO;
using System.Runtime.InteropServices;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Document files that attack a whole-file read: one sparse file declaring more than any document may be (it takes
/// no disk; an unbounded read allocates what it declares, or fails with a raw IOException past 2 GiB), a named pipe
/// (an unbounded open blocks for ever, no writer ever comes) and a symlink to /dev/zero (declares 0 bytes and never
/// ends). Each replaces the file at <c>path</c>.
/// </summary>
public static class OversizeDocuments
{
    /// <summary>A sparse file of <paramref name="size"/> bytes, zeros after a JSON-looking start.</summary>
    public static void Sparse(string path, long size)
    {
        File.Delete(path);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(new[] { (byte)'{' }, 0, 1);
        file.SetLength(size);
    }

    /// <summary>A named pipe nobody writes to.</summary>
    public static void Fifo(string path)
    {
        File.Delete(path);
        if (mkfifo(path, Convert.ToUInt32("644", 8)) != 0)
        {
            throw new IOException($"mkfifo {path} failed: errno {Marshal.GetLastWin32Error()}");
        }
    }

    /// <summary>A symlink to /dev/zero: a size of 0 and bytes without end.</summary>
    public static void EndlessZeros(string path)
    {
        File.Delete(path);
        File.CreateSymbolicLink(path, "/dev/zero");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);
}
