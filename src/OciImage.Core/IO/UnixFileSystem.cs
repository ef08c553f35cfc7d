using System;
using System.IO;
using System.Reflection;

namespace OciImage.Core.IO;

/// <summary>
/// POSIX modes and symbolic links through the APIs .NET 6/7+ has (File.GetUnixFileMode, FileSystemInfo.LinkTarget,
/// File.CreateSymbolicLink), found at run time because this assembly targets netstandard2.0. Where they are
/// absent (Windows PowerShell 5.1) modes are unknown and links are not created.
/// </summary>
internal static class UnixFileSystem
{
    private static readonly MethodInfo? GetMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
    private static readonly MethodInfo? SetMode = FindSetMode();
    private static readonly PropertyInfo? LinkTargetProperty = typeof(FileSystemInfo).GetProperty("LinkTarget");
    private static readonly MethodInfo? CreateLink = typeof(File).GetMethod("CreateSymbolicLink", new[] { typeof(string), typeof(string) });

    public static bool IsWindows => System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows);

    /// <summary>The permission bits (0-07777), or null where the platform has none.</summary>
    public static int? GetPermissions(string path)
    {
        if (GetMode is null || IsWindows)
        {
            return null;
        }

        return Convert.ToInt32(GetMode.Invoke(null, new object[] { path }));
    }

    public static void SetPermissions(string path, int mode)
    {
        if (SetMode is null || IsWindows)
        {
            return;
        }

        var enumType = SetMode.GetParameters()[1].ParameterType;
        SetMode.Invoke(null, new[] { path, Enum.ToObject(enumType, mode & 0xFFF) });
    }

    /// <summary>The target of a symbolic link, or null when the entry is not one.</summary>
    public static string? GetLinkTarget(FileSystemInfo info)
    {
        if ((info.Attributes & FileAttributes.ReparsePoint) == 0)
        {
            return null;
        }

        return LinkTargetProperty?.GetValue(info) as string;
    }

    public static void CreateSymbolicLink(string path, string target)
    {
        if (CreateLink is null)
        {
            throw new PlatformNotSupportedException("Symbolic links need PowerShell 7 (.NET 6 or later).");
        }

        try
        {
            CreateLink.Invoke(null, new object[] { path, target });
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    private static MethodInfo? FindSetMode()
    {
        foreach (var method in typeof(File).GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            var parameters = method.GetParameters();
            if (method.Name == "SetUnixFileMode" && parameters.Length == 2 && parameters[0].ParameterType == typeof(string))
            {
                return method;
            }
        }

        return null;
    }
}
