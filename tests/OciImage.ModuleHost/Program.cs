using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Usage: OciImage.ModuleHost [--after-warmup] MODULE-FOLDER SCRIPT-FILE
// Loads another module's SharpZipLib and ZstdSharp first (older than OciImage's), imports OciImage, prints
// "import-ms N user-ms U sys-ms S peak-kb K" (the import's wall time and the process CPU it took, which
// counts the JIT's background threads too, and the process's peak memory after it), then each output object of
// the script on its own line. Errors go to stderr, exit code 1.
// Import-Module is timed cold (the first import in the process, which also pays for PowerShell's own module
// machinery) or, with --after-warmup, after a one-line script module was imported first, as in a session
// where PSReadLine or a profile already imported something: then it is what OciImage itself adds.
var afterWarmup = args.Length > 0 && args[0] == "--after-warmup";
args = afterWarmup ? args[1..] : args;
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OciImage.ModuleHost [--after-warmup] MODULE-FOLDER SCRIPT-FILE");
    return 2;
}

// What "another module" put in the default load context before OciImage came.
_ = typeof(ICSharpCode.SharpZipLib.Tar.TarArchive).Assembly;
_ = typeof(ZstdSharp.Compressor).Assembly;

using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();

if (afterWarmup)
{
    var warm = Path.Combine(Path.GetTempPath(), "ociimage-warmup-" + Environment.ProcessId);
    Directory.CreateDirectory(warm);
    File.WriteAllText(Path.Combine(warm, "Warmup.psm1"), "function Get-Warmup { 1 }");
    var imported = Run(runspace, $"Import-Module '{Path.Combine(warm, "Warmup.psm1")}'", quiet: true);
    Directory.Delete(warm, recursive: true);
    if (!imported)
    {
        return 1;
    }
}

var self = Process.GetCurrentProcess();
var (user, system) = (self.UserProcessorTime, self.PrivilegedProcessorTime);
var clock = Stopwatch.StartNew();
if (!Run(runspace, $"Import-Module '{args[0].Replace("'", "''")}' -ErrorAction Stop", quiet: true))
{
    return 1;
}

var elapsed = clock.ElapsedMilliseconds;
self.Refresh();
Console.WriteLine($"import-ms {elapsed} user-ms {(self.UserProcessorTime - user).TotalMilliseconds:0} sys-ms {(self.PrivilegedProcessorTime - system).TotalMilliseconds:0} peak-kb {self.PeakWorkingSet64 / 1024}");
return Run(runspace, File.ReadAllText(args[1]), quiet: false) ? 0 : 1;

static bool Run(Runspace runspace, string script, bool quiet)
{
    using var ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript(script);
    try
    {
        foreach (var item in ps.Invoke())
        {
            if (!quiet)
            {
                Console.WriteLine(item?.ToString());
            }
        }
    }
    catch (RuntimeException ex)
    {
        Console.Error.WriteLine(ex.ErrorRecord);
        return false;
    }

    foreach (var error in ps.Streams.Error)
    {
        Console.Error.WriteLine(error);
    }

    return ps.Streams.Error.Count == 0;
}
