using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Registry;

/// <summary>
/// One repository of a registry, through the distribution API. Every manifest is checked against the digest
/// asked for or the Docker-Content-Digest the registry gave; every blob stream is verified at its end.
/// </summary>
internal sealed class RegistryStore : IImageStore, IReferrerStore, IBlobReuse, IConditionalUntag, IUploadPreparation, ITagSnapshot
{
    private readonly RegistryClient _client;
    private readonly BlobUploader _uploader;

    /// <summary>Set once the registry has said it has no referrers API (see <see cref="ListReferrersAsync"/>).</summary>
    private volatile bool _noReferrersApi;

    /// <summary>Held by the first referrers question until its answer says whether the API is there.</summary>
    private readonly SemaphoreSlim _referrersProbe = new(1, 1);

    /// <summary>Set once the first referrers question ended, answered or failed: later ones need not queue.</summary>
    private volatile bool _referrersApiKnown;

    /// <summary>
    /// The tags of the last complete listing (this store's own, or one a caller made moments ago), or null. A tag
    /// pushed through this store forgets it, and a listing that overlapped such a push is not kept: it may lack that
    /// tag. Only "this fallback tag is absent" is read from it; a present one is still fetched.
    /// </summary>
    private HashSet<string>? _listedTags;

    /// <summary>Tagged pushes through this store so far: a listing that began before one is not kept.</summary>
    private int _taggedPushes;

    private readonly object _listingLock = new();

    /// <summary>
    /// Uploads opened ahead of their bytes, by blob, until the blob's upload takes one: the registry opened it when
    /// it declined a mount, or the copy opened it while the source's GET was under way.
    /// </summary>
    private readonly ConcurrentDictionary<Digest, (Uri Location, long MinimumChunk)> _openedUploads = new();

    internal RegistryStore(RegistryClient client, string repository)
    {
        _client = client;
        Repository = repository;
        Location = Reference.Parse(client.Registry + "/" + repository);
        _uploader = new BlobUploader(client.Transport, repository, PushScope, StatBlobAsync);
    }

    public string Repository { get; }

    public Reference Location { get; }

    private RegistryTransport Transport => _client.Transport;

    private string PullScope => $"repository:{Repository}:pull";

    private string PushScope => $"repository:{Repository}:pull,push";

    private string DeleteScope => $"repository:{Repository}:delete";

    /// <summary>HEAD on the manifest: its descriptor without its bytes.</summary>
    public async Task<Descriptor> ResolveAsync(Reference reference, CancellationToken cancellationToken)
    {
        var identifier = reference.RegistryIdentifier;
        using var response = await Transport.SendAsync(HttpMethod.Head, ManifestUrl(identifier), PullScope, cancellationToken, AcceptManifests).ConfigureAwait(false);
        await EnsureFoundAsync(response, reference, cancellationToken).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var size = response.Content.Headers.ContentLength ?? 0;
        var digest = reference.Digest ?? HeaderDigest(response);
        if (digest is null || !MediaTypes.IsManifest(mediaType))
        {
            // Some registries omit the digest on HEAD: read the manifest and hash it.
            return (await GetManifestAsync(reference, cancellationToken).ConfigureAwait(false)).ToDescriptor();
        }

        return new Descriptor { MediaType = mediaType!, Digest = digest.Value, Size = size };
    }

    public Task<Manifest> GetManifestAsync(Reference reference, CancellationToken cancellationToken) =>
        GetManifestAsync(reference, describeMissingTag: true, cancellationToken);

    /// <param name="describeMissingTag">
    /// Whether a missing tag's error lists the repository's tags (one more request): not for a lookup whose absence
    /// is an answer (a referrers fallback tag), which would pay it once a tag.
    /// </param>
    private async Task<Manifest> GetManifestAsync(Reference reference, bool describeMissingTag, CancellationToken cancellationToken)
    {
        var identifier = reference.RegistryIdentifier;
        var what = $"manifest {Location.WithTag(reference.Tag).WithDigest(reference.Digest)}";

        // A body cut off half way is fetched again, out of the request's budget, like a blob's (which resumes).
        var budget = RetryBudget.Current ?? new RetryBudget();
        using var entered = RetryBudget.Enter(budget);
        while (true)
        {
            using var response = await Transport.SendAsync(HttpMethod.Get, ManifestUrl(identifier), PullScope, cancellationToken, AcceptManifests).ConfigureAwait(false);
            if (describeMissingTag)
            {
                await EnsureFoundAsync(response, reference, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, reference.ToString(), cancellationToken).ConfigureAwait(false);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (MediaTypes.IsDockerSchema1(mediaType))
            {
                // Signed schema 1 manifests have a digest over part of their bytes: say what they are, not "mismatch".
                throw new UnsupportedMediaTypeException(what, mediaType + " (Docker schema 1, deprecated; push the image again with a current client)");
            }

            byte[] raw;
            try
            {
                raw = await Limits.ReadBoundedAsync(response.Content, Manifest.MaxSize, Transport.Registry, what).ConfigureAwait(false);
            }
            catch (RegistryUnreachableException cut) when (Limits.IsCutBody(cut) && !cancellationToken.IsCancellationRequested)
            {
                if (await budget.TryRetryAsync(Transport.Log, null, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                throw;
            }

            return ParseManifest(reference, what, raw, mediaType, response);
        }
    }

    /// <summary>
    /// A manifest answer, checked. A tag that is not there says which tag was looked for (":latest" when none was
    /// given) and which tags the repository has (its first page, one request), as a layout's answer does.
    /// </summary>
    private async Task EnsureFoundAsync(HttpResponseMessage response, Reference reference, CancellationToken cancellationToken)
    {
        try
        {
            await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, reference.ToString(), cancellationToken).ConfigureAwait(false);
        }
        catch (ManifestUnknownException) when (reference.Digest is null)
        {
            var tag = reference.RegistryIdentifier;
            var asked = reference.Tag is null ? $"no tag was given, so ':{tag}' was looked for, and it is not in {Location}" : $"tag '{tag}' is not in {Location}";
            throw new ManifestUnknownException(reference.ToString(), $"{asked} ({await DescribeTagsAsync(cancellationToken).ConfigureAwait(false)})") { Target = reference };
        }
    }

    private async Task<string> DescribeTagsAsync(CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        try
        {
            await foreach (var tag in _client.PagesAsync($"v2/{Repository}/tags/list?n=21", PullScope, "tags", $"the tags of {Location}", cancellationToken).ConfigureAwait(false))
            {
                tags.Add(tag);
                if (tags.Count == 21)
                {
                    break;
                }
            }
        }
        catch (OciException)
        {
            return "its tags could not be listed";
        }

        return tags.Count == 0 ? "the repository has no tags" : "tags here: " + string.Join(", ", tags.Take(20)) + (tags.Count > 20 ? ", ..." : string.Empty);
    }

    /// <summary>A manifest read by reference: verified against the digest asked for, else the one the registry gave.</summary>
    private static Manifest ParseManifest(Reference reference, string what, byte[] raw, string? mediaType, HttpResponseMessage response)
    {
        var expected = reference.Digest ?? HeaderDigest(response);
        if (expected is { } e)
        {
            return ManifestParser.ParseVerified(raw, new Descriptor { MediaType = mediaType ?? string.Empty, Digest = e, Size = raw.Length }, what);
        }

        return ManifestParser.Parse(raw, mediaType, what);
    }

    public Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        GetVerifiedAsync(descriptor, cancellationToken);

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        var raw = await OpenBlobRangeAsync(descriptor, 0, cancellationToken).ConfigureAwait(false);
        return new VerifyingStream(raw, descriptor, $"blob {descriptor.Digest} of {Location}");
    }

    /// <summary>The blob's bytes from <paramref name="offset"/> on, unverified, resuming by Range after a drop.</summary>
    public async Task<Stream> OpenBlobRangeAsync(Descriptor descriptor, long offset, CancellationToken cancellationToken)
    {
        // The first GET, its retries and every resume draw from one budget: the transfer's, else this download's.
        var budget = RetryBudget.Current ?? new RetryBudget();
        using (RetryBudget.Enter(budget))
        {
            var first = await GetBlobResponseAsync(descriptor, offset, cancellationToken).ConfigureAwait(false);
            return new ResumingBlobStream(first, offset, descriptor.Size, (position, ct) => GetBlobResponseAsync(descriptor, position, ct), budget, Transport.Registry, cancellationToken);
        }
    }

    /// <summary>
    /// True when the repository holds the blob with the descriptor's size (HEAD's Content-Length). A registry
    /// verifies the digest of what it stores, so a size that differs means the descriptor is wrong: such a blob
    /// is not taken as present, and the copy reads the source, whose verifier then reports the mismatch.
    /// </summary>
    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        await StatBlobAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false) == descriptor.Size;

    public async Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken)
    {
        using var response = await Transport.SendAsync(HttpMethod.Head, BlobUrl(digest), PullScope, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, $"blob {digest} of {Location}", cancellationToken).ConfigureAwait(false);
        return response.Content.Headers.ContentLength;
    }

    /// <summary>Opens the blob's upload (POST) ahead of its bytes, unless one is open already (a declined mount's).</summary>
    public async Task PrepareUploadAsync(Descriptor blob, CancellationToken cancellationToken)
    {
        if (!_openedUploads.ContainsKey(blob.Digest))
        {
            _openedUploads[blob.Digest] = await _uploader.StartAsync($"upload of blob {blob.Digest} to {Location}", cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task AbandonUploadAsync(Descriptor blob)
    {
        if (_openedUploads.TryRemove(blob.Digest, out var session))
        {
            await _uploader.CancelAsync(session.Location, $"upload of blob {blob.Digest} to {Location}").ConfigureAwait(false);
        }
    }

    public Task PutBlobAsync(Descriptor descriptor, Stream content, IProgress<long>? bytesWritten, CancellationToken cancellationToken)
    {
        // An upload opened for this blob already (a declined mount's, or one the copy opened ahead): use that one.
        (Uri, long)? session = _openedUploads.TryRemove(descriptor.Digest, out var declined) ? declined : null;
        return _uploader.UploadAsync(descriptor, content, session, bytesWritten, $"upload of blob {descriptor.Digest} to {Location}", cancellationToken);
    }

    /// <summary>
    /// Asks the registry to link a blob from another repository of it (cross-repo mount). False when the
    /// registry declined: it answered 202 and opened a normal upload, which the next <see cref="PutBlobAsync"/>
    /// of that blob uses; or the credentials may not read the other repository, which an upload does not need.
    /// </summary>
    public async Task<bool> MountBlobAsync(Descriptor descriptor, string fromRepository, CancellationToken cancellationToken)
    {
        var scope = $"{PushScope} repository:{fromRepository}:pull";
        var url = Transport.Url($"v2/{Repository}/blobs/uploads/?mount={Uri.EscapeDataString(descriptor.Digest.ToString())}&from={Uri.EscapeDataString(fromRepository)}");
        HttpResponseMessage sent;
        try
        {
            sent = await Transport.SendAsync(HttpMethod.Post, url, scope, cancellationToken).ConfigureAwait(false);
        }
        catch (AccessDeniedException)
        {
            return false;
        }

        using var response = sent;
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.Accepted && response.Headers.Location is not null)
        {
            _openedUploads[descriptor.Digest] = BlobUploader.Session(Transport, response, $"upload of blob {descriptor.Digest} to {Location}");
            return false;
        }

        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            return false;
        }

        await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, $"mount of {descriptor.Digest} from {fromRepository} into {Location}", cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>The registry host[:port].</summary>
    public string Registry => Transport.Registry;

    public Task PutChildManifestAsync(Manifest manifest, CancellationToken cancellationToken) =>
        PutManifestAsync(manifest, null, cancellationToken);

    public async Task PutManifestAsync(Manifest manifest, string? tag, CancellationToken cancellationToken)
    {
        var identifier = tag ?? manifest.Digest.ToString();
        var what = $"push of manifest {manifest.Digest} to {Location}:{identifier}";
        if (tag is not null)
        {
            ForgetListing();
        }

        try
        {
            using var response = await Transport.SendAsync(HttpMethod.Put, ManifestUrl(identifier), PushScope, cancellationToken, content: () =>
            {
                var body = new ByteArrayContent(manifest.GetRawBytes());
                body.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
                return body;
            }).ConfigureAwait(false);
            await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, what, cancellationToken).ConfigureAwait(false);
            if (HeaderDigest(response) is { } stored && stored.Algorithm == manifest.Digest.Algorithm && stored != manifest.Digest)
            {
                throw new DigestMismatchException(what, manifest.Digest, stored.ToString());
            }
        }
        finally
        {
            // A listing made while the push was under way may have missed the tag too.
            if (tag is not null)
            {
                ForgetListing();
            }
        }
    }

    public Task TagAsync(Manifest manifest, string tag, CancellationToken cancellationToken) =>
        PutManifestAsync(manifest, tag, cancellationToken);

    /// <summary>Deletes a manifest by digest (and so every tag that names it).</summary>
    public async Task DeleteManifestAsync(Digest digest, CancellationToken cancellationToken)
    {
        using var response = await Transport.SendAsync(HttpMethod.Delete, ManifestUrl(digest.ToString()), DeleteScope, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode == 405)
        {
            throw DeletionRefused($"deletion of {Location}@{digest}");
        }

        try
        {
            await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, $"{Location}@{digest}", cancellationToken).ConfigureAwait(false);
        }
        catch (OperationNotSupportedException)
        {
            throw DeletionRefused($"deletion of {Location}@{digest}");
        }
    }

    /// <summary>
    /// Removes a tag without deleting the image it names: DELETE by tag where the registry allows it, else (as
    /// regctl does) point the tag at a throwaway manifest and delete that one by digest. The swap is made only
    /// once deletion by digest is known to work here (the throwaway manifest is pushed untagged and deleted
    /// first), and a deletion that still fails puts the tag back on its image: a registry that refuses
    /// deletion (the CNCF registry's default) must never leave the tag pointing at the throwaway manifest.
    /// </summary>
    public Task DeleteTagAsync(string tag, CancellationToken cancellationToken) => RemoveTagAsync(tag, null, cancellationToken);

    /// <summary>
    /// As <see cref="DeleteTagAsync"/>, if the tag names <paramref name="expected"/>: checked by the request right
    /// before the one that removes or moves the tag, so a push landing in that one round trip is the only one missed.
    /// </summary>
    public Task DeleteTagIfAsync(string tag, Digest expected, CancellationToken cancellationToken) => RemoveTagAsync(tag, expected, cancellationToken);

    private async Task RemoveTagAsync(string tag, Digest? expected, CancellationToken cancellationToken)
    {
        var reference = Location.WithTag(tag);
        var original = await GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        EnsureUnmoved(reference, expected, original.Digest);
        using (var direct = await Transport.SendAsync(HttpMethod.Delete, ManifestUrl(tag), DeleteScope, cancellationToken).ConfigureAwait(false))
        {
            if (direct.IsSuccessStatusCode)
            {
                return;
            }
        }

        var placeholder = await PushTagRemovalPlaceholderAsync(cancellationToken).ConfigureAwait(false);

        // The probe: deletion by digest of the untagged placeholder. A refusal ends here, with the tag untouched.
        await DeleteManifestAsync(placeholder.Digest, cancellationToken).ConfigureAwait(false);

        if (expected is not null)
        {
            // The probe took requests: look again right before the swap, so the window stays one round trip.
            original = await GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
            EnsureUnmoved(reference, expected, original.Digest);
        }

        await PutManifestAsync(placeholder, tag, cancellationToken).ConfigureAwait(false);
        try
        {
            await DeleteManifestAsync(placeholder.Digest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await PutManifestAsync(original, tag, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static void EnsureUnmoved(Reference reference, Digest? expected, Digest now)
    {
        if (expected is { } planned && planned != now)
        {
            throw new TagMovedException(reference.ToString(), planned, now) { Target = reference.Tag };
        }
    }

    private async Task<Manifest> PushTagRemovalPlaceholderAsync(CancellationToken cancellationToken)
    {
        var empty = EmptyJson.Descriptor;
        if (!await HasBlobAsync(empty, cancellationToken).ConfigureAwait(false))
        {
            await PutBlobAsync(empty, new MemoryStream(EmptyJson.Bytes), null, cancellationToken).ConfigureAwait(false);
        }

        var placeholder = ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciManifest,
            ArtifactType = "application/vnd.ociimage.tag-removal",
            Config = empty,
            Layers = new[] { empty },
            Annotations = new Dictionary<string, string> { ["org.ociimage.tag-removal"] = Guid.NewGuid().ToString("N") },
        });
        await PutManifestAsync(placeholder, null, cancellationToken).ConfigureAwait(false);
        return placeholder;
    }

    private OperationNotSupportedException DeletionRefused(string what) =>
        new(what, $"the registry {Registry} refuses deletion (HTTP 405); nothing was removed or changed. The CNCF distribution registry deletes only with storage.delete.enabled set to true in its configuration (REGISTRY_STORAGE_DELETE_ENABLED=true); other registries have a setting or a permission of their own");

    /// <summary>
    /// Every tag, page by page; a listing the pager read to the registry's last page is remembered (see
    /// <see cref="_listedTags"/>). One it stopped early (a refused next link, with a warning) is not.
    /// </summary>
    public async IAsyncEnumerable<string> ListTagsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pushesBefore = Volatile.Read(ref _taggedPushes);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var listing = new PageListing();
        await foreach (var tag in _client.PagesAsync($"v2/{Repository}/tags/list?n=1000", PullScope, "tags", $"the tags of {Location}", cancellationToken, listing).ConfigureAwait(false))
        {
            listed.Add(tag);
            yield return tag;
        }

        lock (_listingLock)
        {
            if (listing.Complete && _taggedPushes == pushesBefore)
            {
                _listedTags = listed;
            }
        }
    }

    public IReadOnlyCollection<string>? CompleteListing
    {
        get
        {
            lock (_listingLock)
            {
                return _listedTags;
            }
        }
    }

    public void RememberListing(IEnumerable<string> tags)
    {
        var listed = new HashSet<string>(tags, StringComparer.Ordinal);
        lock (_listingLock)
        {
            _listedTags = listed;
        }
    }

    /// <summary>Before a tag is pushed: the remembered listing would not have it.</summary>
    private void ForgetListing()
    {
        lock (_listingLock)
        {
            _taggedPushes++;
            _listedTags = null;
        }
    }

    /// <summary>
    /// What refers to a manifest: the referrers API, else the sha256-HEX tag of the fallback schema, which is
    /// checked to be an index before it is trusted.
    /// </summary>
    public bool RefusesIncompleteManifests => true;

    public Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Mounts a blob of another repository of this registry; a mount moves no bytes through the verifier, so the source's size is checked first.</summary>
    public async Task<bool> TryReuseBlobAsync(Descriptor blob, IImageStore from, CancellationToken cancellationToken)
    {
        if (from is not RegistryStore source || !string.Equals(source.Registry, Registry, StringComparison.OrdinalIgnoreCase) || source.Repository == Repository)
        {
            return false;
        }

        // A registry has verified the digest of what it holds: a size that differs means the descriptor lies.
        var size = await source.StatBlobAsync(blob.Digest, cancellationToken).ConfigureAwait(false);
        if (size is { } actual && actual != blob.Size)
        {
            throw new DigestMismatchException($"blob {blob.Digest} of {source.Location}", blob.Digest, $"{actual} bytes instead of the {blob.Size} its descriptor gives");
        }

        return size is not null && await MountBlobAsync(blob, source.Repository, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After pushing a manifest with a subject: keeps the fallback tag index up to date (harmless where the API exists).</summary>
    public async Task RecordReferrerAsync(Manifest referrer, CancellationToken cancellationToken)
    {
        var subject = referrer.Subject!.Digest;
        // Read, then write back with one more: the fallback tag is fetched even where a listing says it is absent
        // (another writer may have made it since), or its referrers would be lost.
        var existing = await ListReferrersAsync(subject, trustListing: false, cancellationToken).ConfigureAwait(false);
        if (existing.Any(d => d.Digest == referrer.Digest))
        {
            return;
        }

        if (existing.Count >= Images.Referrers.MaxCount)
        {
            // Not written: a list longer than that is refused when read.
            throw ManifestTooLargeException.TooManyReferrers($"the referrers of {Location}@{subject}", Images.Referrers.MaxCount, $"{referrer.Digest} was not recorded in the fallback tag");
        }

        await PutManifestAsync(ReferrerIndex.With(existing, ReferrerIndex.DescriptorOf(referrer)), ReferrerIndex.FallbackTag(subject), cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<Descriptor>> ListReferrersAsync(Digest subject, CancellationToken cancellationToken) =>
        ListReferrersAsync(subject, trustListing: true, cancellationToken);

    /// <param name="trustListing">Whether a remembered listing may answer that the fallback tag is absent.</param>
    private async Task<IReadOnlyList<Descriptor>> ListReferrersAsync(Digest subject, bool trustListing, CancellationToken cancellationToken)
    {
        var what = $"the referrers of {Location}@{subject}";
        var asked = false;
        if (!_referrersApiKnown)
        {
            // Parallel questions (an inventory) wait for the first answer rather than each asking a missing API.
            await _referrersProbe.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_referrersApiKnown)
                {
                    IReadOnlyList<Descriptor>? listed;
                    try
                    {
                        listed = await AskReferrersApiAsync(subject, what, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        // A question that failed (an error, a timeout, a cancellation) tells nothing of the API, and
                        // the callers queued behind it must not each wait out the same failure in turn: they ask
                        // in parallel from now on, as without the memo.
                        _referrersApiKnown = true;
                    }

                    asked = true;
                    if (listed is not null)
                    {
                        return listed;
                    }
                }
            }
            finally
            {
                _referrersProbe.Release();
            }
        }

        if (!asked && !_noReferrersApi)
        {
            var listed = await AskReferrersApiAsync(subject, what, cancellationToken).ConfigureAwait(false);
            if (listed is not null)
            {
                return listed;
            }
        }

        return await FallbackReferrersAsync(subject, what, trustListing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The referrers API's list, every page of it (the spec lets a registry page it with Link rel="next", as tag
    /// lists are), or null when it gave none (no API: 404 or 501, or not an index). More than
    /// <see cref="Images.Referrers.MaxCount"/> across the pages is ManifestTooLarge before the next page is asked; a loop
    /// or more than <see cref="RegistryClient.MaxPages"/> pages is an error; a next page that is refused (another
    /// origin, not a URL) ends the list with a warning, as a tag listing does.
    /// </summary>
    private async Task<IReadOnlyList<Descriptor>?> AskReferrersApiAsync(Digest subject, string what, CancellationToken cancellationToken)
    {
        var listed = new List<Descriptor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Uri? next = Transport.Url($"v2/{Repository}/referrers/{subject}");
        while (next is not null)
        {
            var first = seen.Count == 0;
            if (!seen.Add(next.ToString()) || seen.Count > RegistryClient.MaxPages)
            {
                throw new RegistryErrorException(what, 200, null, "the registry's Link headers go round in a loop; stopped");
            }

            using var response = await Transport.SendAsync(HttpMethod.Get, next, PullScope, cancellationToken, AcceptIndex).ConfigureAwait(false);
            if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == MediaTypes.OciIndex)
            {
                var raw = await Limits.ReadBoundedAsync(response.Content, Manifest.MaxSize, Transport.Registry, what).ConfigureAwait(false);
                listed.AddRange(((ImageIndex)ManifestParser.Parse(raw, MediaTypes.OciIndex, what)).Manifests);
                if (listed.Count > Images.Referrers.MaxCount)
                {
                    throw ManifestTooLargeException.TooManyReferrers($"the referrers of {Location.WithoutIdentifier()}@{subject} ({listed.Count} listed by page {seen.Count})", Images.Referrers.MaxCount, "none was read");
                }

                var link = PageLink.Of(response, next);
                if (link.Refused is { } refused)
                {
                    Transport.Log.Warning($"Listing {what} stopped after {seen.Count} page(s) ({listed.Count} referrer(s)): {refused}. The list is partial; "
                        + "referrers the registry lists past that page are missing from it.");
                    return listed;
                }

                next = link.Next;
                continue;
            }

            if (!first)
            {
                // The API answered its first page: a later one that is not a page of it is an error, not "no API".
                await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, what, cancellationToken).ConfigureAwait(false);
                throw new InvalidManifestException(what, $"page {seen.Count} of the referrers list is not an OCI index ({response.Content.Headers.ContentType?.MediaType ?? "no media type"})");
            }

            if (response.StatusCode != HttpStatusCode.NotFound && response.StatusCode != HttpStatusCode.NotImplemented && response.IsSuccessStatusCode == false)
            {
                await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, what, cancellationToken).ConfigureAwait(false);
            }

            // A registry with the API never answers 404 to it (an unknown subject has an empty list), so a 404 or
            // 501 means no API: ask the fallback tag from now on (an inventory would pay the question once a tag).
            _noReferrersApi = response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NotImplemented;
            return null;
        }

        return listed;
    }

    /// <summary>The referrers recorded in the <c>sha256-HEX</c> fallback tag's index (none when the tag is not there).</summary>
    private async Task<IReadOnlyList<Descriptor>> FallbackReferrersAsync(Digest subject, string what, bool trustListing, CancellationToken cancellationToken)
    {
        var fallbackTag = ReferrerIndex.FallbackTag(subject);
        HashSet<string>? listed = null;
        if (trustListing)
        {
            lock (_listingLock)
            {
                listed = _listedTags;
            }
        }

        if (listed is not null && !listed.Contains(fallbackTag))
        {
            return Array.Empty<Descriptor>();
        }

        Manifest fallback;
        try
        {
            fallback = await GetManifestAsync(Location.WithTag(fallbackTag), describeMissingTag: false, cancellationToken).ConfigureAwait(false);
        }
        catch (ManifestUnknownException)
        {
            return Array.Empty<Descriptor>();
        }

        if (fallback is not ImageIndex index)
        {
            throw new InvalidManifestException(what, $"the fallback tag {fallbackTag} names a {fallback.MediaType}, not an index");
        }

        return index.Manifests;
    }

    public void Dispose()
    {
    }


    private static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (var type in MediaTypes.AllManifests)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }
    }

    private static void AcceptIndex(HttpRequestMessage request) =>
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciIndex));

    private Uri ManifestUrl(string identifier) => Transport.Url($"v2/{Repository}/manifests/{identifier}");

    private Uri BlobUrl(Digest digest) => Transport.Url($"v2/{Repository}/blobs/{digest}");

    private static Digest? HeaderDigest(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var digest) ? digest : null;

    private async Task<Manifest> GetVerifiedAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        var manifest = await GetManifestAsync(Location.WithDigest(descriptor.Digest), cancellationToken).ConfigureAwait(false);
        if (descriptor.Size > 0 && manifest.Size != descriptor.Size)
        {
            throw new DigestMismatchException($"manifest {descriptor.Digest} of {Location}", descriptor.Digest, $"{manifest.Size} bytes instead of {descriptor.Size}");
        }

        return manifest;
    }

    private async Task<HttpResponseMessage> GetBlobResponseAsync(Descriptor descriptor, long offset, CancellationToken cancellationToken)
    {
        var response = await Transport.SendAsync(HttpMethod.Get, BlobUrl(descriptor.Digest), PullScope, cancellationToken, request =>
        {
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }
        }).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new BlobUnknownException(Location.ToString(), descriptor.Digest) { Target = descriptor.Digest };
            }

            await RegistryResponses.EnsureSuccessAsync(response, Transport.Registry, $"blob {descriptor.Digest} of {Location}", cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
