using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace OciImage.TestKit;

/// <summary>Runs the independent referees (skopeo, umoci) and other programs, with a time limit.</summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>
    /// How long a program may run. Generous on purpose: a referee that hangs is caught, while a slow moment of a
    /// loaded machine (a whole benchmark pass took 173 s at a load of 20) does not fail a test.
    /// </summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);

    public static bool IsInstalled(string name) => Find(name) is not null;

    /// <summary>The program's absolute path from PATH (absolute entries only), or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator)
            .Where(dir => dir.Length > 0 && Path.IsPathRooted(dir))
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs a program and fails the test with its output when it exits non-zero.</summary>
    public static string Run(string program, params string[] args)
    {
        var result = TryRun(program, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(" ", args)} exited {result.ExitCode}: {result.StdErr}{result.StdOut}");
        }

        return result.StdOut;
    }

    public static Result TryRun(string program, params string[] args) => TryRunWith(null, program, args);

    /// <summary>Runs a program with these environment variables set (a null value removes one).</summary>
    public static Result TryRunWith(System.Collections.Generic.IDictionary<string, string?>? environment, string program, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var pair in environment ?? new System.Collections.Generic.Dictionary<string, string?>())
        {
            if (pair.Value is null)
            {
                info.Environment.Remove(pair.Key);
            }
            else
            {
                info.Environment[pair.Key] = pair.Value;
            }
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)Limit.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {Limit.TotalSeconds:0} s");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
