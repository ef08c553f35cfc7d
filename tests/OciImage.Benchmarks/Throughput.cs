using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using OciImage.Core.Layers;

namespace OciImage.Benchmarks;

/// <summary>
/// --throughput [TREE]: where a layer build's CPU goes and how compression scales with cores. The tree's tar is
/// made once in memory (its CPU is reported: reading files and writing tar), then hashed (the DiffID's share),
/// then cut into the layer builder's 4 MiB chunks and compressed on 1 core (one after the other on one thread)
/// and on 2 (or all) cores (the layer builder's parallel compressor), for each encoder and level, into nothing. MB/s per core = tar bytes / process CPU-seconds, so the
/// scaling on a machine with more cores can be read from it; wall time shows what the cores gave. Sizes are
/// compared with gzip -6 of the whole tar (one stream, no chunks).
/// </summary>
public static class Throughput
{
    public static int Run(string tree, int repeats, IReadOnlyCollection<string>? only = null, int[]? cores = null)
    {
        var tar = new MemoryStream();
        {
            var tarTime = Measure(() =>
            {
                using var temp = new HarnessFolder("ocithroughput");
                var layer = LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Compression = LayerCompression.None }, temp.Path, CancellationToken.None);
                tar = new MemoryStream(File.ReadAllBytes(layer.BlobPath));
            });
            Console.WriteLine($"tar of {tree}: {tar.Length / 1e6:0.0} MB; reading the files and writing the tar (to a file, then read back) took {tarTime.Cpu:0.00} CPU-s, {tar.Length / 1e6 / tarTime.Cpu:0} MB/s");
        }

        var bytes = tar.ToArray();
        var hash = Measure(() => SHA256.HashData(bytes));
        Console.WriteLine($"sha256 of the tar (the DiffID; the digest hashes the smaller blob): {hash.Cpu:0.00} CPU-s, {bytes.Length / 1e6 / hash.Cpu:0} MB/s");
        var gzip6 = GzipSize(bytes);
        Console.WriteLine($"gzip -6 of the whole tar: {gzip6 / 1e6:0.0} MB");
        Console.WriteLine();
        Console.WriteLine($"{"encoder",-9} {"level",-12} {"cores",7} {"wall s",8} {"CPU s",7} {"MB/s",7} {"MB/s/core",9} {"size MB",8} {"vs gzip -6",10}");
        var threads = cores ?? new[] { 1, 2 }.Concat(Environment.ProcessorCount > 2 ? new[] { Environment.ProcessorCount } : Array.Empty<int>()).ToArray();
        var cases = new List<(string Encoder, LayerCompression Compression, GzipEncoder Gzip, LayerCompressionLevel Level)>
        {
            ("runtime", LayerCompression.Gzip, GzipEncoder.Runtime, LayerCompressionLevel.Fastest),
            ("runtime", LayerCompression.Gzip, GzipEncoder.Runtime, LayerCompressionLevel.Optimal),
            ("portable", LayerCompression.Gzip, GzipEncoder.Portable, LayerCompressionLevel.Fastest),
            ("portable", LayerCompression.Gzip, GzipEncoder.Portable, LayerCompressionLevel.Of(4)),
            ("portable", LayerCompression.Gzip, GzipEncoder.Portable, LayerCompressionLevel.Optimal),
            ("portable", LayerCompression.Gzip, GzipEncoder.Portable, LayerCompressionLevel.SmallestSize),
            ("runtime", LayerCompression.Gzip, GzipEncoder.Runtime, LayerCompressionLevel.SmallestSize),
            ("zstd", LayerCompression.Zstd, GzipEncoder.Portable, LayerCompressionLevel.Optimal),
        };
        if (only is not null)
        {
            cases = cases.Where(c => only.Contains($"{c.Encoder}-{c.Level}", StringComparer.OrdinalIgnoreCase)).ToList();
        }

        // Runs alternate (every case once, then every case again) so that a busy spell on a shared machine
        // falls on all of them alike rather than on whichever case it coincided with; each keeps its best run.
        var best = new (double Wall, double Cpu, long Size)[cases.Count, threads.Length];
        for (var c = 0; c < cases.Count; c++)
        {
            for (var t = 0; t < threads.Length; t++)
            {
                best[c, t] = (double.MaxValue, double.MaxValue, 0);
            }
        }

        for (var r = 0; r < repeats; r++)
        {
            for (var c = 0; c < cases.Count; c++)
            {
                var (_, compression, encoder, level) = cases[c];
                for (var t = 0; t < threads.Length; t++)
                {
                    var n = threads[t];
                    long size = 0;
                    var time = Measure(() => size = n == 1 ? OneCore(bytes, compression, level, encoder) : Cores(bytes, compression, level, encoder, n));
                    best[c, t] = (Math.Min(best[c, t].Wall, time.Wall), Math.Min(best[c, t].Cpu, time.Cpu), size);
                }
            }
        }

        for (var c = 0; c < cases.Count; c++)
        {
            var (name, _, _, level) = cases[c];
            for (var t = 0; t < threads.Length; t++)
            {
                var (wall, cpu, size) = best[c, t];
                Console.WriteLine($"{name,-9} {level,-12} {threads[t],7} {wall,8:0.00} {cpu,7:0.00} {bytes.Length / 1e6 / wall,7:0.0} {bytes.Length / 1e6 / cpu,9:0.0} {size / 1e6,8:0.00} {100.0 * (size - gzip6) / gzip6,9:+0.0;-0.0}%");
            }
        }

        // The portable encoder's speed against the runtime's at the same level, measured in this same run.
        for (var c = 0; c < cases.Count; c++)
        {
            var runtime = cases.FindIndex(x => x.Encoder == "runtime" && x.Level.Equals(cases[c].Level));
            if (cases[c].Encoder != "portable" || runtime < 0)
            {
                continue;
            }

            for (var t = 0; t < threads.Length; t++)
            {
                Console.WriteLine($"portable/runtime speed at {cases[c].Level}, {threads[t]} core(s): wall {best[runtime, t].Wall / best[c, t].Wall:0.00}x, CPU {best[runtime, t].Cpu / best[c, t].Cpu:0.00}x");
            }
        }

        return 0;
    }

    /// <summary>The layer builder's chunks, compressed one after the other on this thread: one core.</summary>
    private static long OneCore(byte[] bytes, LayerCompression compression, LayerCompressionLevel level, GzipEncoder encoder)
    {
        var chunk = new byte[ParallelCompressingStream.ChunkSize];
        var output = new byte[ChunkCompressor.OutputCapacity(chunk.Length)];
        long size = 0;
        for (var offset = 0; offset < bytes.Length; offset += chunk.Length)
        {
            var length = Math.Min(chunk.Length, bytes.Length - offset);
            Buffer.BlockCopy(bytes, offset, chunk, 0, length);
            size += ChunkCompressor.Compress(compression, level, encoder, chunk, length, output);
        }

        return size;
    }

    /// <summary>The layer builder's compressor with <paramref name="cores"/> compressions at once.</summary>
    private static long Cores(byte[] bytes, LayerCompression compression, LayerCompressionLevel level, GzipEncoder encoder, int cores)
    {
        // ParallelCompressingStream keeps parallelism + 1 chunks in flight (one is being written).
        using var stream = new ParallelCompressingStream(Stream.Null, compression, level, encoder, cores - 1);
        stream.Write(bytes, 0, bytes.Length);
        stream.Complete();
        return stream.BlobSize;
    }

    private static (double Wall, double Cpu) Measure(Action action)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        action();
        wall.Stop();
        process.Refresh();
        return (wall.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private static long GzipSize(byte[] bytes)
    {
        var info = new ProcessStartInfo("sh", "-c \"(command -v pigz >/dev/null && pigz -6 -c || gzip -6 -c) | wc -c\"") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(bytes, 0, bytes.Length);
        process.StandardInput.Close();
        process.WaitForExit();
        return long.Parse(output.Result.Trim());
    }
}
