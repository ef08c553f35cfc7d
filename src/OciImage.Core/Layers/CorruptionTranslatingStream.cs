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

    public CorruptionTranslatingStream(Stream inner, string what)
    {
        _inner = inner;
        _what = what;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return _inner.Read(buffer, offset, count);
        }
        catch (Exception ex) when (ex is not OciException && LayerReader.IsCorruption(ex))
        {
            throw new InvalidLayerException(_what, "its content cannot be read (" + ex.Message + ")", ex);
        }
    }
}
