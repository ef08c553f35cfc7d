using System;
using System.IO;
using OciImage.Core.Errors;

namespace OciImage.Core.Layers;

/// <summary>Reads a layer entry's content, turning the tar and decompressors' failures into InvalidLayerException.</summary>
internal sealed class CorruptionTranslatingStream : Stream
{
    private readonly Stream _inner;
    private readonly string _what;

    public CorruptionTranslatingStream(Stream inner, string what)
    {
        _inner = inner;
        _what = what;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
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

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
