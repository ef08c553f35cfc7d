using System;
using System.IO;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Model;

namespace OciImage.Core.Archives;

/// <summary>
/// A layer file of a docker-save archive, described by what its bytes are: Docker and other tools write plain
/// tars or compressed ones under the same names, so the compression comes from the magic bytes, and the DiffID
/// the config gives is checked against the uncompressed bytes before the layer may enter a store.
/// </summary>
public static class ArchiveLayer
{
    public static Descriptor Describe(string path, Digest? expectedDiffId, string what)
    {
        LayerCompression compression;
        Digest digest;
        long size;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            var (found, whole) = Compressions.Peek(file);
            compression = found;
            (digest, size) = Digest.Compute(whole);
        }

        var mediaType = Compressions.LabelFor(compression, what);
        var diffId = compression == LayerCompression.None ? digest : UncompressedDigest(path, compression, what);
        if (expectedDiffId is { } expected && expected != diffId)
        {
            throw new DigestMismatchException($"{what} (its uncompressed bytes, the DiffID)", expected, diffId.ToString()) { Target = what };
        }

        return new Descriptor { MediaType = mediaType, Digest = digest, Size = size };
    }

    private static Digest UncompressedDigest(string path, LayerCompression compression, string what)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var tar = Compressions.Decompress(file, compression, what);
            return Digest.Compute(tar).Digest;
        }
        catch (Exception ex) when (LayerReader.IsCorruption(ex))
        {
            throw new InvalidLayerException(what, $"its {Compressions.Name(compression)} data is damaged ({ex.Message})", ex) { Target = what };
        }
    }
}
