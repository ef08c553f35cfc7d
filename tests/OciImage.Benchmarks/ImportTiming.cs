using System;
using System.IO;
using System.Linq;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// Import-Module OciImage, timed inside a fresh PowerShell process by the bare host (OciImage.ModuleHost), so
/// PowerShell's own start-up is not counted: cold (the first import in the process, which also pays for
/// PowerShell's module machinery, about 200 ms for any module) and after another module was imported (what
/// OciImage itself adds, as in a session where PSReadLine or a profile imported something first).
/// </summary>
public static class ImportTiming
{
    public static void Report(int runs)
    {
        var host = RepoPaths.BuiltProgram("OciImage.ModuleHost");
        var script = Path.GetTempFileName();
        try
        {
            Console.WriteLine();
            Console.WriteLine("import: Import-Module OciImage in a fresh session (target < 300 ms)");
            foreach (var (label, flags) in new[] { ("cold, first import", Array.Empty<string>()), ("after another module", new[] { "--after-warmup" }) })
            {
                var times = Enumerable.Range(0, Math.Max(runs, 5)).Select(_ =>
                {
                    var output = ExternalTool.Run("dotnet", new[] { host }.Concat(flags).Concat(new[] { RepoPaths.ModuleFolder, script }).ToArray());
                    var line = output.Split('\n').First(l => l.StartsWith("import-ms ", StringComparison.Ordinal));
                    return double.Parse(line.Substring("import-ms ".Length));
                }).ToList();
                Console.WriteLine($"  {label,-22} {Measurement.Median(times),8:0} ms  (min {times.Min():0}, max {times.Max():0})");
            }
        }
        finally
        {
            File.Delete(script);
        }
    }
}
