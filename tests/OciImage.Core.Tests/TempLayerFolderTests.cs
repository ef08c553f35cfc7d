using System;
using System.IO;
using OciImage.Core.Layers;
using Xunit;

namespace OciImage.Core.Tests;

public class TempLayerFolderTests
{
    [Fact]
    public void ASweepRemovesLayersOlderThanADayAndKeepsNewerOnes()
    {
        Directory.CreateDirectory(TempLayerFolder.Path);
        var old = Path.Combine(TempLayerFolder.Path, "sha256-" + Guid.NewGuid().ToString("N") + ".tar.gz");
        var fresh = Path.Combine(TempLayerFolder.Path, "sha256-" + Guid.NewGuid().ToString("N") + ".tar.gz");
        File.WriteAllText(old, "old");
        File.WriteAllText(fresh, "fresh");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow - TempLayerFolder.MaxAge - TimeSpan.FromMinutes(5));
        try
        {
            Assert.True(TempLayerFolder.Sweep() >= 1);
            Assert.False(File.Exists(old));
            Assert.True(File.Exists(fresh));
        }
        finally
        {
            File.Delete(old);
            File.Delete(fresh);
        }
    }
}
