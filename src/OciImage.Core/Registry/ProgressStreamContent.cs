using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace OciImage.Core.Registry;

/// <summary>An upload body that streams from a source and reports the bytes sent so far.</summary>
internal sealed class ProgressStreamContent : HttpContent
{
    private readonly Stream _source;
    private readonly IProgress<long>? _progress;

    public ProgressStreamContent(Stream source, IProgress<long>? progress)
    {
        _source = source;
        _progress = progress;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        // Large reads mean fewer, larger socket writes for multi-MB layers.
        var buffer = new byte[1 << 20];
        long sent = 0;
        int n;
        while ((n = await _source.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
        {
            await stream.WriteAsync(buffer, 0, n).ConfigureAwait(false);
            sent += n;
            _progress?.Report(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Headers.ContentLength ?? -1;
        return length >= 0;
    }
}
