using System.Linq;
using OciImage.Core.Analysis;

namespace OciImage;

/// <summary>A path that two or more layers hold (dive's inefficient file): every copy ships.</summary>
public sealed class OciInefficiency
{
    internal OciInefficiency(string reference, Inefficiency inefficiency)
    {
        Reference = reference;
        Path = inefficiency.Path;
        Layers = inefficiency.Layers.ToArray();
        CumulativeSize = inefficiency.CumulativeSize;
    }

    public string Reference { get; }

    public string Path { get; }

    /// <summary>How many layers hold the path (dive's Count).</summary>
    public int Count => Layers.Length;

    /// <summary>The layers (from 0) that hold it, a whiteout of it included.</summary>
    public int[] Layers { get; }

    /// <summary>Σ of its size in each of those layers (dive's Wasted Space; a whiteout of a directory counts the files it deleted).</summary>
    public long CumulativeSize { get; }

    public override string ToString() => Path;
}
