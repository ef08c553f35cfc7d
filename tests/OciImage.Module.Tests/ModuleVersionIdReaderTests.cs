using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using OciImage.Isolation;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// The import-time MVID reader (it chooses the engine's ReadyToRun copy) agrees with System.Reflection.Metadata on
/// every assembly at hand, IL and ReadyToRun, and gives null, never an exception, for files it cannot read.
/// </summary>
public sealed class ModuleVersionIdReaderTests
{
    public static IEnumerable<object[]> Assemblies() =>
        Directory.EnumerateFiles(RepoPaths.ModuleFolder, "*.dll", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Concat(new[] { typeof(object).Assembly.Location }) // the framework's own: ReadyToRun, PE32+
            .Select(path => new object[] { path });

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void ReadsTheSameIdAsSystemReflectionMetadata(string path)
    {
        Guid expected;
        using (var pe = new PEReader(File.OpenRead(path)))
        {
            var metadata = pe.GetMetadataReader();
            expected = metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
        }

        Assert.Equal(expected, ModuleVersionIdReader.Read(path));
    }

    [Fact]
    public void ATruncatedOrCorruptFileGivesNull()
    {
        var image = File.ReadAllBytes(Path.Combine(RepoPaths.ModuleFolder, "OciImage.Isolation.dll"));
        Assert.NotNull(ModuleVersionIdReader.Read(new MemoryStream(image)));

        // Every length up to where the MVID is found: each cut ends inside a structure the reader needs.
        var needed = Enumerable.Range(0, image.Length).First(n => ModuleVersionIdReader.Read(new MemoryStream(image, 0, n + 1)) is not null);
        for (var n = 0; n <= needed; n += Math.Max(1, needed / 2000))
        {
            Assert.Null(ModuleVersionIdReader.Read(new MemoryStream(image, 0, n)));
        }

        // Any single byte of the headers flipped to an extreme: null or some id, never an exception.
        var random = new Random(33);
        for (var i = 0; i < 3000; i++)
        {
            var copy = (byte[])image.Clone();
            copy[random.Next(Math.Min(copy.Length, 4096))] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
            _ = ModuleVersionIdReader.Read(new MemoryStream(copy));
        }

        Assert.Null(ModuleVersionIdReader.Read(new MemoryStream(new byte[] { (byte)'M', (byte)'Z' })));
        Assert.Null(ModuleVersionIdReader.Read(Path.Combine(RepoPaths.ModuleFolder, "OciImage.psd1")));
        Assert.Null(ModuleVersionIdReader.Read(Path.Combine(RepoPaths.ModuleFolder, "no-such.dll")));
    }
}
