using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Layout;

/// <summary>
/// An OCI image layout directory: <c>oci-layout</c>, <c>index.json</c>, <c>blobs/ALG/HEX</c>. Tags are
/// ref.name annotations on index.json entries, one tag per entry. Blobs are written to a temp file, verified
/// and renamed; index.json is rewritten under a cross-process lock and replaced atomically.
/// Entries we do not understand are kept as they are.
/// </summary>
internal sealed class OciLayoutStore : IImageStore, IReferrerStore, ILocalBlobs, ITagIndex, IUntaggedManifests, IConditionalUntag
{
    private const string LayoutFileName = "oci-layout";
    private const string IndexFileName = "index.json";

    /// <summary>The file whose lock serialises index.json writers; not part of any image.</summary>
    public const string LockFileName = "index.json.lock";
    /// <summary>The read size when a blob is written: one read per socket wake-up, or per MiB of a file.</summary>
    private const int CopyBufferSize = 1 << 20;

    private static readonly byte[] LayoutFileContent = Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}");

    /// <summary>Blobs this store wrote or hashed: known to match their digest, not hashed again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Digest, bool> _intact = new();

    private OciLayoutStore(string root, EngineClock clock)
    {
        Root = root;
        Location = Reference.ForLayout(root);
        Clock = clock;
    }

    /// <summary>The layout directory, a full path.</summary>
    public string Root { get; }

    public Reference Location { get; }

    /// <summary>Times the wait for another writer's lock.</summary>
    internal EngineClock Clock { get; }

    /// <summary>Opens an existing layout; fails with LayoutNotFound when the directory is not one.</summary>
    public static OciLayoutStore Open(string path) => Open(path, EngineClock.System);

    internal static OciLayoutStore Open(string path, EngineClock clock)
    {
        var root = Path.GetFullPath(path);
        RefuseFile(path, root);
        if (!Directory.Exists(root))
        {
            throw new LayoutNotFoundException(path, "the directory does not exist") { Target = path };
        }

        var layoutFile = Path.Combine(root, LayoutFileName);
        if (!File.Exists(layoutFile))
        {
            throw new LayoutNotFoundException(path, "it has no oci-layout file") { Target = path };
        }

        var layoutBytes = BoundedRead.File(
            layoutFile,
            LayoutFile.MaxSize,
            size => new InvalidLayoutException(path, $"its oci-layout file is over {LayoutFile.MaxSize} bytes ({size} or more); it was not read") { Target = path },
            why => new InvalidLayoutException(path, "its oci-layout file cannot be read: " + why) { Target = path });
        OciJson.Read<LayoutFile>(layoutBytes, (reason, inner) => new InvalidLayoutException(path, "its oci-layout file is not of the spec's shape: " + reason, inner) { Target = path });
        return new OciLayoutStore(root, clock);
    }

    /// <summary>A layout is a folder: a file there is most often an image archive named with the wrong transport.</summary>
    private static void RefuseFile(string path, string root)
    {
        if (File.Exists(root))
        {
            throw new LayoutNotFoundException(path, $"it is a file, not a folder; an image archive is read with oci-archive:{path} (or docker-archive:{path} for what docker save writes)") { Target = path };
        }
    }

    /// <summary>Opens a layout, creating an empty one (directory, oci-layout, index.json) if none is there.</summary>
    public static OciLayoutStore OpenOrCreate(string path) => OpenOrCreate(path, EngineClock.System);

    internal static OciLayoutStore OpenOrCreate(string path, EngineClock clock)
    {
        var root = Path.GetFullPath(path);
        RefuseFile(path, root);
        Directory.CreateDirectory(root);
        var layoutFile = Path.Combine(root, LayoutFileName);
        var indexFile = Path.Combine(root, IndexFileName);
        if (!File.Exists(layoutFile) || !File.Exists(indexFile))
        {
            // Creation happens under the layout lock, so concurrent first writers agree on one layout.
            using var writeLock = LayoutLock.AcquireAsync(root, clock, CancellationToken.None).GetAwaiter().GetResult();
            if (!File.Exists(layoutFile))
            {
                if (Directory.EnumerateFileSystemEntries(root).Any(e => !IsOurs(Path.GetFileName(e))))
                {
                    throw new LayoutNotFoundException(path, "the directory is not empty and has no oci-layout file; choose an empty or new directory") { Target = path };
                }

                AtomicFile.WriteAllBytes(layoutFile, LayoutFileContent);
            }

            if (!File.Exists(indexFile))
            {
                AtomicFile.WriteAllBytes(indexFile, LayoutIndex.Empty().ToBytes());
            }
        }

        Directory.CreateDirectory(Path.Combine(root, "blobs", Digest.Sha256));
        return Open(root, clock);
    }

    /// <summary>What a layout being created may already hold: its own files and another writer's temp files.</summary>
    private static bool IsOurs(string name) =>
        name is "blobs" or IndexFileName or LayoutFileName or LockFileName
        || (name.StartsWith(".", StringComparison.Ordinal) && name.Contains(".tmp-"));

    public string BlobPath(Digest digest) => Path.Combine(Root, "blobs", digest.Algorithm, digest.Hex);

    /// <summary>blobs/sha256: a file written there is renamed into place, and a killed writer's file is found by the collector.</summary>
    public string StagingFolder => Path.Combine(Root, "blobs", Digest.Sha256);

    public string AdoptBlobFile(Descriptor blob, string file)
    {
        var target = BlobPath(blob.Digest);
        if (File.Exists(target) && new FileInfo(target).Length == blob.Size)
        {
            File.Delete(file); // the same blob is already there: content-addressed, so identical
        }
        else
        {
            AtomicFile.MoveOver(file, target);
        }

        return target;
    }

    /// <summary>Reads index.json as it is now.</summary>
    public LayoutIndex ReadIndex()
    {
        var path = Path.Combine(Root, IndexFileName);
        if (!File.Exists(path))
        {
            throw new LayoutNotFoundException(Root, "it has no index.json") { Target = Root };
        }

        var raw = BoundedRead.File(
            path,
            LayoutIndex.MaxSize,
            size => new ManifestTooLargeException(path, size, LayoutIndex.MaxSize) { Target = Root },
            why => new InvalidManifestException(path, why) { Target = Root });
        return LayoutIndex.Parse(raw, path);
    }

    public Task<Descriptor> ResolveAsync(Reference reference, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Resolve(reference));
    }

    /// <summary>
    /// Finds the manifest a reference names. Layout files are read synchronously (an async file read costs more
    /// than it saves), so this is the core that <see cref="ResolveAsync"/> and tab completion share.
    /// </summary>
    public Descriptor Resolve(Reference reference)
    {
        var entries = ReadIndex().Manifests;
        var shown = reference.ToString();

        if (reference.Digest is { } digest)
        {
            var byDigest = entries.Where(e => e.Digest == digest).ToList();
            if (reference.Tag is not null && !byDigest.Any(e => e.RefName == reference.Tag))
            {
                throw new ManifestUnknownException(shown, $"tag '{reference.Tag}' does not name digest {digest} in this layout") { Target = reference };
            }

            if (byDigest.Count > 0)
            {
                return byDigest[0];
            }

            // Not a top-level entry, but it may be a child of an index held here.
            return DescribeBlobManifest(reference, digest);
        }

        if (reference.Tag is { } tag)
        {
            // Two entries with one name: the first wins, as containers/image reads it.
            var tagged = entries.FirstOrDefault(e => e.RefName == tag);
            if (tagged is null)
            {
                var tags = entries.Select(e => e.RefName).Where(t => t is not null).Distinct().ToList();
                var known = tags.Count == 0 ? "the layout has no tags" : "tags here: " + string.Join(", ", tags.Take(20));
                throw new ManifestUnknownException(shown, $"tag '{tag}' is not in the layout ({known})") { Target = reference };
            }

            return tagged;
        }

        var images = entries.Where(e => MediaTypes.IsManifest(e.MediaType)).ToList();
        if (images.Count == 1)
        {
            return images[0];
        }

        if (images.Count == 0)
        {
            throw new ManifestUnknownException(shown, "the layout holds no images") { Target = reference };
        }

        var names = images.Select(e => e.RefName ?? e.Digest.ToString()).Distinct();
        throw new AmbiguousReferenceException(shown, $"the layout holds {images.Count} images; add :TAG or @DIGEST to choose one ({string.Join(", ", names.Take(20))})") { Target = reference };
    }

    public async Task<Manifest> GetManifestAsync(Reference reference, CancellationToken cancellationToken)
    {
        var descriptor = await ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
        return await GetManifestAsync(descriptor, cancellationToken).ConfigureAwait(false);
    }

    public Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ReadManifest(descriptor));
    }

    /// <summary>Reads a manifest or index and verifies its bytes against the descriptor (synchronously: a local file).</summary>
    public Manifest ReadManifest(Descriptor descriptor)
    {
        var what = $"manifest {descriptor.Digest} in {Root}";
        if (descriptor.Size > Manifest.MaxSize)
        {
            throw new ManifestTooLargeException(what, descriptor.Size, Manifest.MaxSize);
        }

        return ManifestParser.ParseVerified(ReadBlobBytes(descriptor.Digest, Manifest.MaxSize, what), descriptor, what);
    }

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = BlobPath(descriptor.Digest);
        if (!File.Exists(path))
        {
            throw new BlobUnknownException(Root, descriptor.Digest) { Target = descriptor.Digest };
        }

        Stream file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: false);
        return Task.FromResult<Stream>(new VerifyingStream(file, descriptor, $"blob {descriptor.Digest} in {Root}"));
    }

    public Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken)
    {
        var info = new FileInfo(BlobPath(digest));
        return Task.FromResult<long?>(info.Exists ? info.Length : null);
    }

    public Task<Stream> OpenBlobRangeAsync(Descriptor descriptor, long offset, CancellationToken cancellationToken)
    {
        var path = BlobPath(descriptor.Digest);
        if (!File.Exists(path))
        {
            throw new BlobUnknownException(Root, descriptor.Digest) { Target = descriptor.Digest };
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: false);
        file.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult<Stream>(file);
    }

    /// <summary>
    /// True when the layout holds the blob with the descriptor's size and bytes that hash to its digest. Files
    /// in a layout can be changed behind its back, so a present blob is hashed (once per store) before anything
    /// is built on it; a blob that fails is taken as absent, and writing it again replaces the bad file.
    /// </summary>
    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        var path = BlobPath(descriptor.Digest);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length != descriptor.Size)
        {
            return false;
        }

        if (_intact.ContainsKey(descriptor.Digest))
        {
            return true;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);
            using var verifying = new VerifyingStream(file, descriptor, $"blob {descriptor.Digest} of {Root}");
            var buffer = new byte[1 << 16];
            while (await verifying.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (DigestMismatchException)
        {
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        _intact.TryAdd(descriptor.Digest, true);
        Renew(path);
        return true;
    }

    /// <summary>
    /// A blob about to be reused counts as new for garbage collection's grace period: a copy that skips it writes
    /// the index entry that reaches it only later. Best effort: a read-only layout keeps its times.
    /// </summary>
    private static void Renew(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, IProgress<long>? bytesWritten, CancellationToken cancellationToken)
    {
        var target = BlobPath(descriptor.Digest);
        if (await HasBlobAsync(descriptor, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = AtomicFile.TempPathBeside(target);
        try
        {
            // Reads of up to 1 MiB: a socket gives what it has in one call, a file fills it; fewer calls, less CPU.
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                using (var verified = VerifyingStream.Over(content, descriptor, $"blob {descriptor.Digest}"))
                using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: false))
                {
                    var writeback = new Writeback(file);
                    long total = 0;
                    int read;
                    while ((read = await verified.ReadAsync(buffer, 0, CopyBufferSize, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        file.Write(buffer, 0, read);
                        total += read;
                        writeback.Written(total);
                        bytesWritten?.Report(total);
                    }

                    // Durable before the rename: after a power cut the name holds these bytes or nothing. Most of
                    // them are on their way to the disk already (see Writeback).
                    file.Flush(flushToDisk: true);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            AtomicFile.MoveOver(temp, target);
            _intact.TryAdd(descriptor.Digest, true);

            // What a writer of this blob killed half way left (a copy killed with SIGKILL) goes with the blob.
            AtomicFile.SweepAbandonedTemps(target);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    public async Task PutManifestAsync(Manifest manifest, string? tag, CancellationToken cancellationToken)
    {
        var descriptor = manifest.ToDescriptor();
        using (var bytes = new MemoryStream(manifest.GetRawBytes(), writable: false))
        {
            await PutBlobAsync(descriptor, bytes, null, cancellationToken).ConfigureAwait(false);
        }

        await UpdateIndexAsync(index => index.Add(descriptor, tag), cancellationToken).ConfigureAwait(false);
    }

    public async Task PutChildManifestAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream(manifest.GetRawBytes(), writable: false);
        await PutBlobAsync(manifest.ToDescriptor(), bytes, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Points a tag at a manifest already in the layout (moving it from any other entry).</summary>
    public async Task TagAsync(Descriptor manifest, string tag, CancellationToken cancellationToken)
    {
        if (!await HasBlobAsync(manifest, cancellationToken).ConfigureAwait(false))
        {
            throw new BlobUnknownException(Root, manifest.Digest) { Target = manifest.Digest };
        }

        await UpdateIndexAsync(index => index.Add(manifest.With(null), tag), cancellationToken).ConfigureAwait(false);
    }

    public Task TagAsync(Manifest manifest, string tag, CancellationToken cancellationToken) =>
        TagAsync(manifest.ToDescriptor(), tag, cancellationToken);

    public async Task DeleteTagAsync(string tag, CancellationToken cancellationToken)
    {
        if (!await UntagAsync(tag, cancellationToken).ConfigureAwait(false))
        {
            throw new ManifestUnknownException(Location.WithTag(tag).ToString(), $"tag '{tag}' is not in the layout") { Target = tag };
        }
    }

    /// <summary>Checks what the tag names and removes it in one update under the layout lock: nothing can move it between.</summary>
    public async Task DeleteTagIfAsync(string tag, Digest expected, CancellationToken cancellationToken)
    {
        await UpdateIndexAsync(index =>
        {
            var named = index.Manifests.FirstOrDefault(e => e.RefName == tag)
                ?? throw new ManifestUnknownException(Location.WithTag(tag).ToString(), $"tag '{tag}' is not in the layout") { Target = tag };
            if (named.Digest != expected)
            {
                throw new TagMovedException(Location.WithTag(tag).ToString(), expected, named.Digest) { Target = tag };
            }

            return index.RemoveTag(tag, out _);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the index.json entries of a digest. The blobs stay until a garbage collection: other images may share them.</summary>
    public async Task DeleteManifestAsync(Digest digest, CancellationToken cancellationToken)
    {
        var removed = 0;
        await UpdateIndexAsync(index => index.RemoveDigest(digest, out removed), cancellationToken).ConfigureAwait(false);
        if (removed == 0)
        {
            throw new ManifestUnknownException(Location.WithDigest(digest).ToString(), "the layout's index.json does not list it") { Target = digest };
        }
    }

    /// <summary>Removes a tag's entry; returns false when the tag was not there.</summary>
    public async Task<bool> UntagAsync(string tag, CancellationToken cancellationToken)
    {
        var removed = false;
        await UpdateIndexAsync(index => index.RemoveTag(tag, out removed), cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public async IAsyncEnumerable<string> ListTagsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var tag in ReadIndex().Manifests.Select(e => e.RefName).Where(t => t is not null).Distinct())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return tag!;
        }
    }

    /// <summary>Reads, changes and atomically replaces index.json, holding the layout lock throughout.</summary>
    public async Task UpdateIndexAsync(Func<LayoutIndex, LayoutIndex> change, CancellationToken cancellationToken)
    {
        using var writeLock = await LayoutLock.AcquireAsync(Root, Clock, cancellationToken).ConfigureAwait(false);
        var current = ReadIndex();
        var updated = change(current);
        if (!ReferenceEquals(updated, current))
        {
            // Never written past what it is read at: a layout this module wrote stays one it reads.
            var bytes = updated.ToBytes();
            if (bytes.Length > LayoutIndex.MaxSize)
            {
                throw new ManifestTooLargeException($"index.json of {Root}", bytes.Length, LayoutIndex.MaxSize);
            }

            AtomicFile.WriteAllBytes(Path.Combine(Root, IndexFileName), bytes);
        }
    }

    public bool RefusesIncompleteManifests => false;

    /// <summary>Each name with the first entry that carries it, as names resolve.</summary>
    public Task<IReadOnlyList<TaggedManifest>> TaggedManifestsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TaggedManifest>>(ReadIndex().Manifests.Where(e => e.RefName is not null).GroupBy(e => e.RefName!).Select(g => new TaggedManifest(g.Key, g.First())).ToList());

    /// <summary>index.json entries without a tag (referrers, images copied by digest): Remove-OciUnusedBlob keeps what they reach.</summary>
    public Task<IReadOnlyList<Descriptor>> UntaggedManifestsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Descriptor>>(ReadIndex().Manifests.Where(e => e.RefName is null).GroupBy(e => e.Digest).Select(g => g.First()).ToList());

    public Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The manifests index.json lists whose subject is the digest.</summary>
    public async Task<IReadOnlyList<Descriptor>> ListReferrersAsync(Digest subject, CancellationToken cancellationToken)
    {
        var result = new List<Descriptor>();
        foreach (var entry in ReadIndex().Manifests.Where(e => MediaTypes.IsImageManifest(e.MediaType)).GroupBy(e => e.Digest).Select(g => g.First()))
        {
            Manifest manifest;
            try
            {
                manifest = await GetManifestAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (OciException)
            {
                continue; // a broken entry is not a referrer; Test-OciImage reports it
            }

            if (manifest.Subject?.Digest == subject)
            {
                result.Add(ReferrerIndex.DescriptorOf(manifest));
            }
        }

        return result;
    }

    /// <summary>Layouts find referrers by scanning index.json: the manifest must be listed there.</summary>
    public Task RecordReferrerAsync(Manifest referrer, CancellationToken cancellationToken) =>
        UpdateIndexAsync(index => index.Add(referrer.ToDescriptor(), null), cancellationToken);

    public void Dispose()
    {
    }

    private byte[] ReadBlobBytes(Digest digest, long limit, string what)
    {
        var path = BlobPath(digest);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new BlobUnknownException(Root, digest) { Target = digest };
        }

        return BoundedRead.File(path, limit, size => new ManifestTooLargeException(what, size, limit), why => new InvalidManifestException(what, why));
    }

    /// <summary>Describes a manifest blob that index.json does not list (a platform child of an index).</summary>
    private Descriptor DescribeBlobManifest(Reference reference, Digest digest)
    {
        var path = BlobPath(digest);
        if (!File.Exists(path))
        {
            throw new ManifestUnknownException(reference.ToString(), $"digest {digest} is not in the layout") { Target = reference };
        }

        var what = $"manifest {digest} in {Root}";
        var raw = ReadBlobBytes(digest, Manifest.MaxSize, what);
        var manifest = ManifestParser.ParseVerified(raw, new Descriptor { Digest = digest, Size = raw.Length }, what);
        return manifest.ToDescriptor();
    }
}
