using System.Collections.Generic;

namespace OciImage.Core.Analysis;

/// <summary>A path that two or more layers hold (dive's inefficient file): the layers, and the bytes of every copy.</summary>
public sealed class Inefficiency
{
    public Inefficiency(string path, IReadOnlyList<int> layers, long cumulativeSize)
    {
        Path = path;
        Layers = layers;
        CumulativeSize = cumulativeSize;
    }

    /// <summary>"/a/b", as dive prints it.</summary>
    public string Path { get; }

    /// <summary>The layers (from 0) whose trees hold the path as a leaf, a whiteout of it included.</summary>
    public IReadOnlyList<int> Layers { get; }

    /// <summary>Σ of the path's size in each of those layers (a whiteout of a directory: the files it deleted).</summary>
    public long CumulativeSize { get; }
}
