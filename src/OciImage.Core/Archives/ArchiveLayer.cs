using System;
using System.IO;
using System.Security.Cryptography;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Model;

namespace OciImage.Core.Archives;

/// <summary>
/// A layer file of a docker-save archive, described by what its bytes are: Docker and other tools write plain
/// tars or compressed ones under the same names, so the compression comes from the magic bytes, and the DiffID
/// the config gives is checked against the uncompressed bytes before the layer may enter a store.
/// </summary>
internal static class ArchiveLayer
{
    public static Descriptor Describe(string path, Digest? expectedDiffId, string what)
    {
        // One pass: the file's bytes are hashed (the digest) as they are decompressed and hashed again (the DiffID).
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var size = file.Length;
        using var sha = SHA256.Create();
        using var hashing = new CryptoStream(file, sha, CryptoStreamMode.Read);
        var (compression, whole) = Compressions.Peek(hashing);
        var mediaType = Compressions.LabelFor(compression, what);
        Digest diffId;
        try
        {
            using var tar = Compressions.Decompress(whole, compression, what);
            diffId = Digest.Compute(tar).Digest;
            whole.CopyTo(Stream.Null); // a decompressor may stop before the file's last bytes: they count for the digest
        }
        catch (Exception ex) when (LayerReader.IsCorruption(ex))
        {
            throw new InvalidLayerException(what, $"its {Compressions.Name(compression)} data is damaged ({ex.Message})", ex) { Target = what };
        }

        if (expectedDiffId is { } expected && expected != diffId)
        {
            throw new DigestMismatchException($"{what} (its uncompressed bytes, the DiffID)", expected, diffId.ToString()) { Target = what };
        }

        return new Descriptor { MediaType = mediaType, Digest = Digest.FromHash(Digest.Sha256, sha.Hash!), Size = size };
    }
}
