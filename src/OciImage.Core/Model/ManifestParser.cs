using System;
using System.Text.Json;
using OciImage.Core.Errors;

namespace OciImage.Core.Model;

/// <summary>Turns manifest bytes into an <see cref="ImageManifest"/> or <see cref="ImageIndex"/>, keeping the bytes.</summary>
public static class ManifestParser
{
    /// <param name="raw">The exact bytes; kept by the result.</param>
    /// <param name="mediaTypeHint">What the descriptor or the Content-Type said, if anything.</param>
    /// <param name="what">Names the document in error messages.</param>
    public static Manifest Parse(byte[] raw, string? mediaTypeHint, string what) => Parse(raw, mediaTypeHint, what, null);

    private static Manifest Parse(byte[] raw, string? mediaTypeHint, string what, Digest? sha256)
    {
        if (raw.Length > Manifest.MaxSize)
        {
            throw new ManifestTooLargeException(what, raw.Length, Manifest.MaxSize);
        }

        string? declared;
        bool hasManifests;
        bool hasLayers;
        int schemaVersion;
        using (var doc = OciJson.Parse(raw, (reason, inner) => new InvalidManifestException(what, "it is not valid JSON (" + reason + ")", inner)))
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidManifestException(what, "it is not a JSON object");
            }

            var root = doc.RootElement;
            declared = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            hasManifests = root.TryGetProperty("manifests", out _);
            hasLayers = root.TryGetProperty("layers", out _) || root.TryGetProperty("config", out _);
            schemaVersion = root.TryGetProperty("schemaVersion", out var sv) && sv.ValueKind == JsonValueKind.Number && sv.TryGetInt32(out var v) ? v : 0;
        }

        if (schemaVersion == 1)
        {
            throw new UnsupportedMediaTypeException(what, (declared ?? "application/vnd.docker.distribution.manifest.v1+json") + " (Docker schema 1, deprecated; push the image again with a current client)");
        }

        if (schemaVersion != 2)
        {
            throw new InvalidManifestException(what, "its schemaVersion is not 2");
        }

        var mediaType = declared
            ?? (MediaTypes.IsManifest(mediaTypeHint) ? mediaTypeHint : null)
            ?? (hasManifests ? MediaTypes.OciIndex : hasLayers ? MediaTypes.OciManifest : null);

        ShapeError invalid = (reason, inner) => new InvalidManifestException(what, reason, inner);
        Manifest result;
        if (MediaTypes.IsIndex(mediaType))
        {
            if (!hasManifests)
            {
                throw new InvalidManifestException(what, "an index needs a 'manifests' array");
            }

            result = OciJson.Read<ImageIndex>(raw, invalid);
        }
        else if (MediaTypes.IsImageManifest(mediaType))
        {
            result = OciJson.Read<ImageManifest>(raw, invalid);
        }
        else
        {
            throw new UnsupportedMediaTypeException(what, mediaType);
        }

        if (mediaTypeHint is not null && declared is not null && MediaTypes.IsManifest(mediaTypeHint) && mediaTypeHint != declared)
        {
            throw new InvalidManifestException(what, $"it declares media type '{declared}' but was described as '{mediaTypeHint}'");
        }

        result.Attach(raw, mediaType!, sha256);
        return result;
    }

    /// <summary>Parses and checks the bytes against the descriptor that named them (digest and size).</summary>
    public static Manifest ParseVerified(byte[] raw, Descriptor expected, string what)
    {
        if (expected.Size > 0 && raw.Length != expected.Size)
        {
            throw new DigestMismatchException(what, expected.Digest, $"{raw.Length} bytes instead of {expected.Size}");
        }

        var actual = Digest.Compute(raw, expected.Digest.Algorithm);
        if (actual != expected.Digest)
        {
            throw new DigestMismatchException(what, expected.Digest, actual.ToString());
        }

        return Parse(raw, expected.MediaType, what, actual);
    }

    /// <summary>Serialises a new model once and parses it back, so its digest is over the bytes written.</summary>
    public static T Create<T>(T model)
        where T : Manifest
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(model, OciJson.Options);
        return (T)Parse(bytes, model.DeclaredMediaType, "the new " + typeof(T).Name);
    }
}
