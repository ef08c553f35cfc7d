using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// The bare host (OciImage.ModuleHost) published ReadyToRun, which compiles the System.Management.Automation it
/// carries ahead of time, as the official PowerShell packages ship it: under the IL-only SMA from NuGet a cold
/// Import-Module is mostly PowerShell JIT-compiling itself. Published once from a copy of the host's sources into
/// the harness's cache (tests/OciImage.Benchmarks/obj/cache: its own obj and bin, so the solution's builds of the
/// host are not disturbed), in a folder named for the hash of those sources, and reused while they are unchanged.
/// linux-x64 only (the runtime identifier it is published for), and only where NuGet serves the crossgen package.
/// </summary>
public static class ReadyToRunHost
{
    /// <summary>crossgen of SMA takes about 2.5 minutes on the 2 quiet cores; a loaded machine takes several times that.</summary>
    private static readonly TimeSpan PublishLimit = TimeSpan.FromMinutes(20);

    private const string Prefix = "modulehost-r2r-";

    private static string Cache => Path.Combine(RepoPaths.Root, "tests", "OciImage.Benchmarks", "obj", "cache");

    /// <summary>
    /// The published host's dll, or null and why not. Publishes it first when <paramref name="publish"/> and no
    /// host is published for the current sources.
    /// </summary>
    public static string? Find(bool publish, out string why)
    {
        if (RuntimeInformation.RuntimeIdentifier != "linux-x64")
        {
            why = $"the host is published for linux-x64 only, this runtime is {RuntimeInformation.RuntimeIdentifier}";
            return null;
        }

        var sources = Path.Combine(RepoPaths.Root, "tests", "OciImage.ModuleHost");
        var inputs = Directory.GetFiles(sources, "*.cs").Concat(Directory.GetFiles(sources, "*.csproj")).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var folder = Path.Combine(Cache, Prefix + Key(inputs.Append(Path.Combine(RepoPaths.Root, "Directory.Build.props"))));
        var host = Path.Combine(folder, "publish", "OciImage.ModuleHost.dll");
        if (File.Exists(host))
        {
            why = "published in " + Path.GetRelativePath(RepoPaths.Root, folder);
            return host;
        }

        if (!publish)
        {
            why = "quick mode, and no ReadyToRun host is published for the current host sources (a run without --quick publishes it, about 3 minutes)";
            return null;
        }

        // Published beside the final folder and moved there whole, so a run stopped half-way leaves no host that looks finished.
        var partial = folder + ".partial-" + Environment.ProcessId;
        var project = Path.Combine(partial, "src");
        Directory.CreateDirectory(project);
        foreach (var input in inputs)
        {
            File.Copy(input, Path.Combine(project, Path.GetFileName(input)));
        }

        Console.WriteLine($"  publishing the bare host ReadyToRun into {Path.GetRelativePath(RepoPaths.Root, folder)} (once for these sources; about 3 minutes on 2 quiet cores)");
        var (exitCode, output) = Publish(Path.Combine(project, "OciImage.ModuleHost.csproj"), Path.Combine(partial, "publish"));
        if (exitCode != 0 || !File.Exists(Path.Combine(partial, "publish", "OciImage.ModuleHost.dll")))
        {
            Directory.Delete(partial, recursive: true);
            var tail = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(3);
            why = $"dotnet publish -p:PublishReadyToRun=true exited {exitCode} (is Microsoft.NETCore.App.Crossgen2.linux-x64 served?): {string.Join(" / ", tail)}";
            return null;
        }

        // The intermediate files are tens of MB and never used again.
        Directory.Delete(Path.Combine(project, "obj"), recursive: true);
        Directory.Delete(Path.Combine(project, "bin"), recursive: true);
        foreach (var stale in Directory.GetDirectories(Cache, Prefix + "*").Where(d => !d.Contains(".partial-", StringComparison.Ordinal)))
        {
            Directory.Delete(stale, recursive: true);
        }

        try
        {
            Directory.Move(partial, folder);
        }
        catch (IOException) when (File.Exists(host))
        {
            Directory.Delete(partial, recursive: true); // another run published the same sources meanwhile
        }

        why = "published now in " + Path.GetRelativePath(RepoPaths.Root, folder);
        return host;
    }

    /// <summary>The first 16 hex digits of SHA-256 over each input's name and bytes.</summary>
    private static string Key(System.Collections.Generic.IEnumerable<string> inputs)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var input in inputs)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(input) + "\n"));
            sha.AppendData(File.ReadAllBytes(input));
        }

        return Convert.ToHexString(sha.GetHashAndReset()).Substring(0, 16).ToLowerInvariant();
    }

    private static (int ExitCode, string Output) Publish(string project, string output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output, "-nologo" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)PublishLimit.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"did not finish within {PublishLimit.TotalMinutes:0} minutes");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
