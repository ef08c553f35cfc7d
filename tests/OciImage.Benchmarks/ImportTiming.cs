using System;
using System.IO;
using System.Linq;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// Import-Module OciImage as a user's session pays it: the first import in a fresh PowerShell process, timed
/// inside that process by the bare host (OciImage.ModuleHost), so PowerShell's own start-up is not counted.
/// </summary>
public static class ImportTiming
{
    public static void Report(int runs)
    {
        var host = RepoPaths.BuiltProgram("OciImage.ModuleHost");
        var script = Path.GetTempFileName();
        try
        {
            var times = Enumerable.Range(0, Math.Max(runs, 5)).Select(_ =>
            {
                var output = ExternalTool.Run("dotnet", host, RepoPaths.ModuleFolder, script);
                var line = output.Split('\n').First(l => l.StartsWith("import-ms ", StringComparison.Ordinal));
                return double.Parse(line.Substring("import-ms ".Length));
            }).ToList();
            Console.WriteLine();
            Console.WriteLine("import: Import-Module OciImage, first in a fresh session");
            Console.WriteLine($"  {"OciImage",-22} {Measurement.Median(times),8:0} ms  (min {times.Min():0}, max {times.Max():0}; target < 300 ms)");
        }
        finally
        {
            File.Delete(script);
        }
    }
}
