using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace OciImage.Core.IO;

/// <summary>The file type bits of an lstat mode.</summary>
internal enum UnixFileType
{
    Regular,
    Directory,
    Symlink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
}

/// <summary>
/// What lstat(2) says of a path: its type and, for a device, its numbers. .NET has no public stat API (and this
/// assembly targets netstandard2.0), so this calls the runtime's own binding, Interop.Sys.LStat in
/// System.Private.CoreLib, found by reflection. Where it is absent (Windows, Windows PowerShell, a runtime that
/// renamed it) <see cref="Of"/> answers null and callers treat the entry as a regular file; the tests pin it.
/// </summary>
internal sealed class UnixFileStatus
{
    private const int TypeMask = 0xF000;
    private static readonly Type? StatusType = typeof(object).Assembly.GetType("Interop+Sys+FileStatus");
    private static readonly MethodInfo? LStat = StatusType is null
        ? null
        : typeof(object).Assembly.GetType("Interop+Sys")?.GetMethod(
            "LStat", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, null, new[] { typeof(string), StatusType.MakeByRefType() }, null);

    private static readonly MethodInfo? Stat = StatusType is null
        ? null
        : typeof(object).Assembly.GetType("Interop+Sys")?.GetMethod(
            "Stat", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, null, new[] { typeof(string), StatusType.MakeByRefType() }, null);

    private static readonly FieldInfo? ModeField = StatusType?.GetField("Mode", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
    private static readonly FieldInfo? RDevField = StatusType?.GetField("RDev", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
    private static readonly FieldInfo? DevField = StatusType?.GetField("Dev", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
    private static readonly FieldInfo? InoField = StatusType?.GetField("Ino", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
    private static readonly FieldInfo? SizeField = StatusType?.GetField("Size", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private UnixFileStatus(UnixFileType type, int permissions, long size, int deviceMajor, int deviceMinor, long fileSystem, long inode)
    {
        Type = type;
        Permissions = permissions;
        Size = size;
        DeviceMajor = deviceMajor;
        DeviceMinor = deviceMinor;
        FileSystem = fileSystem;
        Inode = inode;
    }

    /// <summary>True when lstat can be called here.</summary>
    public static bool IsAvailable =>
        LStat is not null && ModeField is not null && RDevField is not null && DevField is not null && InoField is not null && SizeField is not null
        && !UnixFileSystem.IsWindows;

    public UnixFileType Type { get; }

    /// <summary>The permission bits (0-07777), as File.GetUnixFileMode gives them.</summary>
    public int Permissions { get; }

    public long Size { get; }

    /// <summary>The device the file lives on and its inode there: two paths with the same pair are hard links.</summary>
    public long FileSystem { get; }

    public long Inode { get; }

    public int DeviceMajor { get; }

    public int DeviceMinor { get; }

    /// <summary>The status of <paramref name="path"/> (not following a last symlink), or null when it cannot be had.</summary>
    public static UnixFileStatus? Of(string path) => Query(LStat, path);

    /// <summary>The status of what <paramref name="path"/> leads to (stat(2), following symlinks), or null when it cannot be had.</summary>
    public static UnixFileStatus? OfTarget(string path) => Query(Stat, path);

    private static UnixFileStatus? Query(MethodInfo? call, string path)
    {
        if (!IsAvailable || call is null)
        {
            return null;
        }

        var arguments = new object?[] { path, null };
        if ((int)call.Invoke(null, arguments)! != 0 || arguments[1] is not { } status)
        {
            return null;
        }

        var mode = (int)ModeField!.GetValue(status)!;
        var rdev = (long)RDevField!.GetValue(status)!;
        var type = (mode & TypeMask) switch
        {
            0x1000 => UnixFileType.Fifo,
            0x2000 => UnixFileType.CharacterDevice,
            0x4000 => UnixFileType.Directory,
            0x6000 => UnixFileType.BlockDevice,
            0xA000 => UnixFileType.Symlink,
            0xC000 => UnixFileType.Socket,
            _ => UnixFileType.Regular,
        };
        var (major, minor) = RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
            ? ((int)((rdev >> 24) & 0xFF), (int)(rdev & 0xFFFFFF))
            : ((int)(((rdev >> 8) & 0xFFF) | ((rdev >> 32) & ~0xFFFL)), (int)((rdev & 0xFF) | ((rdev >> 12) & ~0xFFL)));
        return new UnixFileStatus(
            type, mode & 0xFFF, (long)SizeField!.GetValue(status)!, major, minor, (long)DevField!.GetValue(status)!, (long)InoField!.GetValue(status)!);
    }
}
