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
/// target, read into the engine's <see cref="LayerSpec"/>, which resolves what the input does not say.
/// </summary>
internal static class LayerInput
{
    /// <summary>Reads one input; raises InvalidLayerInput or InvalidDigest when it names no layer.</summary>
    public static LayerSpec From(object? input)
    {
        var value = input is PSObject ps ? ps.BaseObject : input;
        switch (value)
        {
            case OciLayer layer:
                return new LayerSpec(Core.Digest.Parse(layer.Digest), layer.MediaType, layer.Size, OptionalDigest(layer.DiffId), layer.CreatedBy, layer.BlobPath);
            case string text:
                return new LayerSpec(Core.Digest.Parse(text));
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
        return new LayerSpec(Core.Digest.Parse(digest!), Text(shape, "MediaType"), size, OptionalDigest(Text(shape, "DiffId")), Text(shape, "CreatedBy"), Text(shape, "BlobPath"));
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
