using System;
using System.IO;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Layers;

/// <summary>Reads a layer entry's content, turning the tar and decompressors' failures into InvalidLayerException.</summary>
internal sealed class CorruptionTranslatingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly string _what;
    private readonly Func<InvalidLayerException, Exception> _explain;

    /// <param name="explain">Turns the layer's damage into the error to throw (a digest mismatch that caused it).</param>
    public CorruptionTranslatingStream(Stream inner, string what, Func<InvalidLayerException, Exception>? explain = null)
    {
        _inner = inner;
        _what = what;
        _explain = explain ?? (damage => damage);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return _inner.Read(buffer, offset, count);
        }
        catch (InvalidLayerException damage)
        {
            throw _explain(damage);
        }
        catch (Exception ex) when (ex is not OciException && LayerReader.IsCorruption(ex))
        {
            throw _explain(new InvalidLayerException(_what, "its content cannot be read (" + ex.Message + ")", ex));
        }
    }
}
