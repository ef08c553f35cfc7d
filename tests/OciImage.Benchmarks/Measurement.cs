using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace OciImage.Benchmarks;

/// <summary>One timed run of a command: wall seconds, peak resident memory, user and system CPU seconds, as GNU time reports them.</summary>
public sealed record Sample(double Seconds, long PeakKilobytes, double UserSeconds = 0, double SystemSeconds = 0);

/// <summary>
/// Runs a command line under /usr/bin/time, ours and the peers' alike, so both are measured the same way; a child
/// that runs an operation several times (in a session) reports its last run's wall and CPU itself.
/// </summary>
public static class Measurement
{
    public static Sample Run(string command)
    {
        var report = Path.GetTempFileName();
        try
        {
            var info = new ProcessStartInfo("/usr/bin/time") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-f", "%e %M %U %S", "-o", report, "bash", "-c", command })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{command}' failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
            }

            var parts = File.ReadAllText(report).Trim().Split('\n').Last().Split(' ');
            var peak = long.Parse(parts[1], CultureInfo.InvariantCulture);

            // A child that timed its own last run (ChildRun.Session) reports that instead; peak memory stays the process's.
            var self = stdout.Result.Split('\n').LastOrDefault(l => l.StartsWith(SelfReportPrefix, StringComparison.Ordinal));
            if (self is not null)
            {
                var own = self.Substring(SelfReportPrefix.Length).Trim().Split(' ');
                return new Sample(double.Parse(own[0], CultureInfo.InvariantCulture), peak, double.Parse(own[1], CultureInfo.InvariantCulture), double.Parse(own[2], CultureInfo.InvariantCulture));
            }

            return new Sample(double.Parse(parts[0], CultureInfo.InvariantCulture), peak,
                double.Parse(parts[2], CultureInfo.InvariantCulture), double.Parse(parts[3], CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(report);
        }
    }

    private const string SelfReportPrefix = "ociimage-sample:";

    /// <summary>The line a child prints to report its own wall, user and system seconds.</summary>
    public static string SelfReport(double wall, double user, double system) =>
        string.Create(CultureInfo.InvariantCulture, $"{SelfReportPrefix} {wall:0.000} {user:0.000} {system:0.000}");

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
