using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>What this machine can do at best, so each ratio can be read against it.</summary>
public static class Limits
{
    public static string Describe()
    {
        var data = new byte[256 * 1024 * 1024];
        new Random(5).NextBytes(data);
        for (var i = 0; i < data.Length; i += 4)
        {
            data[i] = 0; // some redundancy, so gzip has work to do
        }

        var clock = Stopwatch.StartNew();
        SHA256.HashData(data);
        var sha = data.Length / clock.Elapsed.TotalSeconds / 1e6;

        var file = Path.GetTempFileName();
        try
        {
            clock.Restart();
            using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(data, 0, data.Length);
                stream.Flush(flushToDisk: true);
            }

            var disk = data.Length / clock.Elapsed.TotalSeconds / 1e6;
            var gzip = Measurement_Gzip(file, data.Length);
            return $"machine limits: sha256 {sha:0} MB/s, gzip -6 {gzip:0} MB/s (one core), disk write {disk:0} MB/s";
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static double Measurement_Gzip(string file, long size)
    {
        var sample = Measurement.Run($"gzip -6 -c \"{file}\" > /dev/null");
        return size / sample.Seconds / 1e6;
    }
}
