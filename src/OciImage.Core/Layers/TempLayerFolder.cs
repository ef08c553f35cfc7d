using System;
using System.IO;

namespace OciImage.Core.Layers;

/// <summary>
/// Where New-OciLayer puts a layer when no layout or folder is named: $TEMP/ociimage-layers. Such layers are
/// meant to be taken into an image soon after (New-OciLayer | New-OciImage), so every build there first removes
/// the layers written over a day ago: the folder does not grow forever, and a layer in use is hours old at most.
/// </summary>
internal static class TempLayerFolder
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    public static string Path => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ociimage-layers");

    /// <summary>Removes files older than <see cref="MaxAge"/>; one that is in use or gone already is left to the next sweep.</summary>
    public static int Sweep(DateTime? nowUtc = null)
    {
        var folder = new DirectoryInfo(Path);
        if (!folder.Exists)
        {
            return 0;
        }

        var cutoff = (nowUtc ?? DateTime.UtcNow) - MaxAge;
        var removed = 0;
        foreach (var file in folder.EnumerateFiles())
        {
            try
            {
                if (file.LastWriteTimeUtc < cutoff)
                {
                    file.Delete();
                    removed++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return removed;
    }
}
