using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Usage: OciImage.ModuleHost MODULE-FOLDER SCRIPT-FILE
// Loads another module's SharpZipLib and ZstdSharp first (older than OciImage's), imports OciImage, prints
// "import-ms N" (the first Import-Module in a fresh process, as a user's session pays it), then each output
// object of the script on its own line. Errors go to stderr and the exit code is 1.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OciImage.ModuleHost MODULE-FOLDER SCRIPT-FILE");
    return 2;
}

// What "another module" put in the default load context before OciImage came.
_ = typeof(ICSharpCode.SharpZipLib.Tar.TarArchive).Assembly;
_ = typeof(ZstdSharp.Compressor).Assembly;

using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();

var clock = Stopwatch.StartNew();
if (!Run(runspace, $"Import-Module '{args[0].Replace("'", "''")}' -ErrorAction Stop", quiet: true))
{
    return 1;
}

Console.WriteLine($"import-ms {clock.ElapsedMilliseconds}");
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
