using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// One file out of an image without unpacking it (crane export | tar -xO): the path is resolved in the merged file
/// system (whiteouts honoured, links followed inside the image), then its bytes are streamed out of the layer that
/// holds them and checked against the content digest the analysis pass computed before anyone sees them, so a
/// store that changes bytes between the two reads cannot slip them in.
/// </summary>
public static class ContentVerb
{
    /// <summary>The largest file handed over as one byte array or string (-AsByteStream, -Raw); bigger ones go to a file.</summary>
    public const long MaximumInMemory = 256L << 20;

    /// <summary>
    /// The file's verified bytes in a private temp file, to read as lines, text or bytes; a file over
    /// <paramref name="maximumSize"/> is ContentTooLarge before a byte of it is read.
    /// </summary>
    public static async Task<ImageFile> OpenAsync(Reference reference, Platform? platform, string path, long maximumSize, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        var located = await LocateAsync(store, reference, platform, path, context.Log, cancellationToken).ConfigureAwait(false);
        if (located.Content.Size > maximumSize)
        {
            throw new ContentTooLargeException(path, located.Content.Size, maximumSize);
        }

        var file = ImageFile.Create(located.ResolvedPath, located.Content.Size);
        try
        {
            await CopyAsync(store, located, file.Stream, cancellationToken).ConfigureAwait(false);
            file.Stream.Position = 0;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the file's bytes to <paramref name="destination"/>: into a temp file beside it, verified, then renamed
    /// over it, so the destination never holds bytes that failed verification. An existing file needs
    /// <paramref name="force"/> (else FileExists); a folder is PathIsDirectory.
    /// </summary>
    public static async Task<string> SaveAsync(Reference reference, Platform? platform, string path, string destination, bool force, StoreContext context, CancellationToken cancellationToken)
    {
        CheckDestination(destination, force);
        using var store = ImageStores.OpenForRead(reference, context);
        var located = await LocateAsync(store, reference, platform, path, context.Log, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        var temp = AtomicFile.TempPathBeside(destination);
        try
        {
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await CopyAsync(store, located, output, cancellationToken).ConfigureAwait(false);
            }

            CheckDestination(destination, force);
            AtomicFile.MoveOver(temp, destination);
            return destination;
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    private static void CheckDestination(string destination, bool force)
    {
        if (Directory.Exists(destination))
        {
            throw new PathIsDirectoryException(destination) { Target = destination };
        }

        if (File.Exists(destination) && !force)
        {
            throw new FileExistsException(destination) { Target = destination };
        }
    }

    /// <summary>Scans every layer once (contents hashed), builds the merged file system and resolves the path in it.</summary>
    internal static async Task<Located> LocateAsync(IImageStore store, Reference reference, Platform? platform, string path, IEngineLog log, CancellationToken cancellationToken)
    {
        var (image, _) = await ImageAnalyzer.ResolveAsync(store, reference, platform, cancellationToken).ConfigureAwait(false);
        var manifest = image.Image!;
        var scanned = await ImageAnalyzer.ScanAllAsync(store, manifest, new AnalysisOptions { HashContent = true }, log, cancellationToken).ConfigureAwait(false);
        var fileSystem = new MergedFileSystem();
        foreach (var layer in scanned)
        {
            fileSystem.Apply(layer);
        }

        var (content, resolved) = new MergedPathResolver(fileSystem, image.Reference.ToString()).Resolve(path);

        // Which layer wrote those bytes, and where in its tar: the entry object itself, so a path written twice in
        // one layer, or a hard link whose target was replaced later, still finds the copy it holds.
        foreach (var layer in scanned)
        {
            for (var i = 0; i < layer.Entries.Count; i++)
            {
                if (ReferenceEquals(layer.Entries[i], content))
                {
                    log.Verbose($"{path} is {resolved}: entry {i} of layer {layer.Index} ({layer.Descriptor.Digest}), {content.Size} bytes, {content.ContentDigest}.");
                    return new Located(layer.Descriptor, layer.Index, i, content, resolved);
                }
            }
        }

        throw new InvalidOperationException("The merged file system holds an entry no layer has.");
    }

    /// <summary>Streams the entry's bytes to <paramref name="output"/>, hashing them; a different digest or size is DigestMismatch.</summary>
    internal static async Task CopyAsync(IImageStore store, Located located, Stream output, CancellationToken cancellationToken)
    {
        var what = $"'{located.ResolvedPath}' in layer {located.LayerIndex} ({located.Layer.Digest})";
        var expected = Digest.Parse(located.Content.ContentDigest!);
        var blob = await store.OpenBlobAsync(located.Layer, cancellationToken).ConfigureAwait(false);
        using var reader = new LayerReader(blob, $"layer {located.LayerIndex} ({located.Layer.Digest})", cancellationToken);
        var ordinal = 0;
        foreach (var item in reader.Items(cancellationToken))
        {
            if (ordinal++ != located.Ordinal)
            {
                continue;
            }

            if (item.Kind != EntryKind.File || LayerScanner.Clean(item.Path) != located.Content.EntryName)
            {
                break;
            }

            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long size = 0;
            var content = reader.Content;
            int n;
            while ((n = await content.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                size += n;
                await output.WriteAsync(buffer, 0, n, cancellationToken).ConfigureAwait(false);
            }

            var actual = Digest.FromHash(Digest.Sha256, sha.GetHashAndReset());
            if (!actual.Equals(expected) || size != located.Content.Size)
            {
                throw new DigestMismatchException(what, expected, $"{actual} ({size} bytes)");
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        throw new DigestMismatchException(what, expected, "a layer whose tar changed between two reads (the entry is gone)");
    }

    internal sealed record Located(Descriptor Layer, int LayerIndex, int Ordinal, LayerEntry Content, string ResolvedPath);
}
