using System.Collections.Generic;
using OciImage.Core.Model;

namespace OciImage.Core.Analysis;

/// <summary>
/// Where an image's bytes go: its layers, its merged file system, and dive's four figures (efficiency, wasted
/// bytes, user size, wasted percent), computed as dive 0.13 computes them.
/// </summary>
public sealed class ImageAnalysis
{
    internal ImageAnalysis(Reference reference, ImageManifest manifest, ImageConfig config, IReadOnlyList<LayerAnalysis> layers,
        DiveEfficiency efficiency, MergedFileSystem fileSystem)
    {
        Reference = reference;
        Manifest = manifest;
        Config = config;
        Layers = layers;
        FileSystem = fileSystem;
        Efficiency = efficiency.Efficiency;
        WastedBytes = efficiency.WastedBytes;
        Inefficiencies = efficiency.Inefficiencies;
        Notes = efficiency.Notes;
        long size = 0, uncompressed = 0, user = 0;
        foreach (var layer in layers)
        {
            size += layer.Descriptor.Size;
            uncompressed += layer.UncompressedSize;
            if (layer.Index > 0)
            {
                user += layer.UncompressedSize;
            }
        }

        Size = size;
        UncompressedSize = uncompressed;
        UserSize = user;

        // As dive: a plain division, so no user bytes gives NaN (nothing wasted) or infinity (bytes wasted).
        WastedPercent = (double)WastedBytes / user;
        FileCount = fileSystem.FileCount;
    }

    /// <summary>The reference, pinned to the image manifest's digest.</summary>
    public Reference Reference { get; }

    public ImageManifest Manifest { get; }

    public ImageConfig Config { get; }

    public IReadOnlyList<LayerAnalysis> Layers { get; }

    public MergedFileSystem FileSystem { get; }

    /// <summary>Σ of the layer blobs' sizes (compressed, as pulled).</summary>
    public long Size { get; }

    /// <summary>Σ of the layers' sizes as dive counts them (tar header sizes).</summary>
    public long UncompressedSize { get; }

    /// <summary>Paths of the merged file system that are not directories.</summary>
    public int FileCount { get; }

    /// <summary>dive's efficiency: Σ smallest size per path ÷ Σ every size per path.</summary>
    public double Efficiency { get; }

    /// <summary>dive's wasted bytes: Σ cumulative size of the paths in two or more layers.</summary>
    public long WastedBytes { get; }

    /// <summary>dive's user size: Σ of the sizes of every layer above the first.</summary>
    public long UserSize { get; }

    /// <summary>dive's wasted user percent, as a fraction: wasted bytes ÷ user size.</summary>
    public double WastedPercent { get; }

    public IReadOnlyList<Inefficiency> Inefficiencies { get; }

    /// <summary>Where dive's definitions gave a figure that needs explaining.</summary>
    public IReadOnlyList<string> Notes { get; }
}
