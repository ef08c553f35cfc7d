using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage;

/// <summary>
/// One -Layer input, read on the pipeline thread: an OciLayer, an object that carries a layer's properties (an
/// OciLayer after Import-Clixml, remoting or a job; a manifest's layer descriptors), or the digest of a blob in the
/// target. What it does not say (media type, size, DiffID) is read from the target when the layer is resolved.
/// </summary>
internal sealed class LayerInput
{
    private LayerInput(Digest digest, string? mediaType, long size, Digest? diffId, string? createdBy, string? blobPath)
    {
        Digest = digest;
        MediaType = string.IsNullOrEmpty(mediaType) ? null : mediaType;
        Size = size;
        DiffId = diffId;
        CreatedBy = createdBy;
        BlobPath = string.IsNullOrEmpty(blobPath) ? null : blobPath;
    }

    public Digest Digest { get; }

    public string? MediaType { get; }

    public long Size { get; }

    public Digest? DiffId { get; }

    public string? CreatedBy { get; }

    public string? BlobPath { get; }

    /// <summary>Reads one input; raises InvalidLayerInput or InvalidDigest when it names no layer.</summary>
    public static LayerInput From(object? input)
    {
        var value = input is PSObject ps ? ps.BaseObject : input;
        switch (value)
        {
            case OciLayer layer:
                return new LayerInput(Core.Digest.Parse(layer.Digest), layer.MediaType, layer.Size, OptionalDigest(layer.DiffId), layer.CreatedBy, layer.BlobPath);
            case string text:
                return new LayerInput(Core.Digest.Parse(text), null, 0, null, null, null);
            case null:
                throw new InvalidLayerInputException("(null)", "is empty");
        }

        var shape = PSObject.AsPSObject(input!);
        if (shape.Properties["Digest"] is null)
        {
            throw new InvalidLayerInputException(Describe(shape), "has no Digest property");
        }

        var digest = Text(shape, "Digest");
        if (string.IsNullOrEmpty(digest))
        {
            throw new InvalidLayerInputException(Describe(shape), "has an empty Digest");
        }

        var size = shape.Properties["Size"]?.Value is { } sizeValue ? LanguagePrimitives.ConvertTo<long>(sizeValue) : 0;
        return new LayerInput(Core.Digest.Parse(digest!), Text(shape, "MediaType"), size, OptionalDigest(Text(shape, "DiffId")), Text(shape, "CreatedBy"), Text(shape, "BlobPath"));
    }

    /// <summary>The layer as the composer takes it; a blob the input does not describe fully is read from the target.</summary>
    public async Task<NewLayer> ResolveAsync(IImageStore target, CancellationToken cancellationToken)
    {
        if (MediaType is not null && Size > 0)
        {
            var descriptor = new Descriptor { MediaType = MediaType, Digest = Digest, Size = Size };
            var diffId = DiffId ?? (await LayerDiffId.DescribeAsync(target, Digest, cancellationToken).ConfigureAwait(false)).DiffId;
            return new NewLayer(descriptor, diffId, CreatedBy, BlobPath);
        }

        var (found, foundDiffId) = await LayerDiffId.DescribeAsync(target, Digest, cancellationToken).ConfigureAwait(false);
        return new NewLayer(found, DiffId ?? foundDiffId, CreatedBy, BlobPath);
    }

    private static Digest? OptionalDigest(string? text) => string.IsNullOrEmpty(text) ? null : Core.Digest.Parse(text!);

    private static string? Text(PSObject shape, string name) =>
        shape.Properties[name]?.Value is { } value ? LanguagePrimitives.ConvertTo<string>(value) : null;

    private static string Describe(PSObject shape)
    {
        var text = shape.ToString();
        return string.IsNullOrEmpty(text) ? shape.BaseObject.GetType().Name : text;
    }
}
