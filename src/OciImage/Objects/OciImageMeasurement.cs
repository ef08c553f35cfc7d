using System.Linq;
using OciImage.Core.Analysis;

namespace OciImage;

/// <summary>
/// Where an image's bytes go, as Measure-OciImage gives it: sizes, dive's efficiency figures (Efficiency,
/// WastedBytes, UserSize, WastedPercent, computed as dive 0.13 computes them), its layers and its inefficiencies.
/// </summary>
public sealed class OciImageMeasurement
{
    internal OciImageMeasurement(ImageAnalysis analysis)
    {
        Reference = analysis.Reference.ToString();
        Digest = analysis.Manifest.Digest.ToString();
        Platform = analysis.Config.Platform.ToString();
        Size = analysis.Size;
        UncompressedSize = analysis.UncompressedSize;
        FileCount = analysis.FileCount;
        Efficiency = analysis.Efficiency;
        WastedBytes = analysis.WastedBytes;
        UserSize = analysis.UserSize;
        WastedPercent = analysis.UserSize == 0 ? null : analysis.WastedPercent;
        Layers = analysis.Layers.Select(l => new OciLayerMeasurement(Reference, l)).ToArray();
        Inefficiencies = analysis.Inefficiencies.Select(i => new OciInefficiency(Reference, i)).ToArray();
        Notes = analysis.Notes.ToArray();
    }

    /// <summary>The image, pinned to its manifest's digest.</summary>
    public string Reference { get; }

    /// <summary>The image manifest's digest.</summary>
    public string Digest { get; }

    public string Platform { get; }

    /// <summary>Σ of the layer blobs' sizes: the compressed bytes a pull fetches.</summary>
    public long Size { get; }

    /// <summary>Σ of the layers' sizes as dive counts them: the sizes in their tar headers.</summary>
    public long UncompressedSize { get; }

    /// <summary>Paths of the merged file system that are not directories.</summary>
    public int FileCount { get; }

    /// <summary>dive's efficiency, 0 to 1: Σ of the smallest size seen per path ÷ Σ of every size seen.</summary>
    public double Efficiency { get; }

    /// <summary>dive's wasted bytes: Σ of the cumulative sizes of the paths two or more layers hold.</summary>
    public long WastedBytes { get; }

    /// <summary>dive's user size: Σ of the sizes of the layers above the first.</summary>
    public long UserSize { get; }

    /// <summary>
    /// dive's wasted percent, as a fraction (0.1 is 10%): WastedBytes ÷ UserSize. Null when UserSize is 0 (a one-layer
    /// image): dive divides by zero there, which passes its percent rule when nothing is wasted and fails it otherwise,
    /// and Test-OciImage -MaximumWastedPercent does the same.
    /// </summary>
    public double? WastedPercent { get; }

    public int LayerCount => Layers.Length;

    public OciLayerMeasurement[] Layers { get; }

    /// <summary>Paths held by two or more layers, largest cumulative size first.</summary>
    public OciInefficiency[] Inefficiencies { get; }

    /// <summary>Cases where dive's definitions give a figure that needs explaining (a whiteout of a path no layer below holds).</summary>
    public string[] Notes { get; }

    public override string ToString() => Reference;
}
