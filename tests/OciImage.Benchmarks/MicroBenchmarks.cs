using System;
using System.IO;
using System.Text;
using BenchmarkDotNet.Attributes;
using OciImage.Core;
using OciImage.Core.Layers;
using OciImage.Core.Model;

namespace OciImage.Benchmarks;

/// <summary>The hot paths, with BenchmarkDotNet: digesting, tar writing, chunk compression, manifest parsing.</summary>
[MemoryDiagnoser]
public class MicroBenchmarks
{
    private byte[] _data = Array.Empty<byte>();
    private readonly byte[] _output = new byte[ChunkCompressor.OutputCapacity(ParallelCompressingStream.ChunkSize)];
    private byte[] _manifest = Array.Empty<byte>();

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[ParallelCompressingStream.ChunkSize];
        var random = new Random(2);
        for (var i = 0; i < _data.Length; i++)
        {
            _data[i] = (byte)(random.Next(16) + 'a');
        }

        _manifest = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\",\"size\":5},\"layers\":[]}");
    }

    [Benchmark]
    public Digest DigestOfAChunk() => Digest.Compute(new MemoryStream(_data)).Digest;

    [Benchmark]
    public int GzipAChunk() => ChunkCompressor.Compress(LayerCompression.Gzip, _data, _data.Length, _output);

    [Benchmark]
    public int GzipAChunkPortable() => ChunkCompressor.Compress(LayerCompression.Gzip, LayerCompressionLevel.Optimal, GzipEncoder.Portable, _data, _data.Length, _output);

    [Benchmark]
    public int ZstdAChunk() => ChunkCompressor.Compress(LayerCompression.Zstd, _data, _data.Length, _output);

    [Benchmark]
    public long TarOfAThousandSmallFiles()
    {
        var output = new MemoryStream();
        using (var tar = new TarLayerWriter(output))
        {
            var content = new byte[1000];
            for (var i = 0; i < 1000; i++)
            {
                tar.AddFile($"dir/file{i}.txt", 0x1A4, new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), 0, 0, content.Length, new MemoryStream(content));
            }

            tar.Finish();
        }

        return output.Length;
    }

    [Benchmark]
    public Manifest ParseAManifest() => ManifestParser.Parse(_manifest, null, "bench");
}
