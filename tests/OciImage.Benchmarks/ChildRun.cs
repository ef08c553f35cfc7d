using System;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Analysis;
using OciImage.Core.Copy;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.Core.Selection;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.Module.Tests;

namespace OciImage.Benchmarks;

/// <summary>
/// The OciImage side of a scenario, run in a process of its own so that time and peak memory are measured
/// like the peers': through the engine API (--run) or through the real cmdlets in a hosted PowerShell (--cmdlet).
/// </summary>
public static class ChildRun
{
    public static int Engine(string[] args)
    {
        // OCIIMAGE_BENCH_TRACE=1: the engine's verbose log on stderr, each line with the milliseconds since the
        // process started, to see by hand where a run's wall time goes (start-up, requests, blobs).
        IEngineLog log = Environment.GetEnvironmentVariable("OCIIMAGE_BENCH_TRACE") == "1" ? new TimedLog() : NullEngineLog.Instance;
        // OCIIMAGE_BENCH_LEDGER=1: every request counted in a ledger, as the cmdlets do (Copy-OciImage, the mirror),
        // to measure what the ledger handler costs a copy.
        var ledger = Environment.GetEnvironmentVariable("OCIIMAGE_BENCH_LEDGER") == "1" ? new RegistryOptions { Ledger = new RequestLedger() } : null;
        var context = new StoreContext(new RegistrySessions { DockerConfigPath = null }, ledger, log);
        var token = CancellationToken.None;
        switch (args[0])
        {
            case "layer":
                LayerBuilder.BuildIntoDirectory(args[1], new LayerBuildOptions(), args[2], token);
                return 0;
            case "layer-portable":
                LayerBuilder.BuildIntoDirectory(args[1], new LayerBuildOptions { GzipEncoder = GzipEncoder.Portable }, args[2], token);
                return 0;
            case "layer-parallelism":
                // The layer builder's chunk parallelism (compressing threads), for the layer-build curve.
                LayerBuilder.BuildIntoDirectory(args[2], new LayerBuildOptions { Parallelism = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) }, args[3], token);
                return 0;
            case "copy":
                var from = Reference.Parse(args[1]);
                var to = Reference.Parse(args[2]);
                using (var source = ImageStores.OpenForRead(from, context))
                using (var target = to.IsLayout ? OciLayoutStore.OpenOrCreate(to.LayoutPath!) : (IImageStore)ImageStores.OpenRegistry(to, context))
                {
                    new ImageCopier(source, target, new CopyOptions(), log, null).CopyAsync(from, to, token).GetAwaiter().GetResult();
                }

                return 0;
            case "sync":
                // Sync-OciRepository's engine: plan, then apply, with the cmdlet's default of 4 images at once (or the third argument).
                var run = new OciImage.Core.Mirror.SyncRun();
                var mapping = new OciImage.Core.Mirror.SyncMapping { Source = Reference.Parse(args[1]), Destination = Reference.Parse(args[2]) };
                var throttle = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 4;
                var plan = OciImage.Core.Verbs.SyncVerb.PlanAsync(mapping, run, null, throttle, context, context, token).GetAwaiter().GetResult();
                var summary = OciImage.Core.Verbs.SyncVerb.ApplyAsync(plan, false, run, throttle, context, context, _ => { }, token).GetAwaiter().GetResult();
                Console.Error.WriteLine($"{summary.Copied} copied, {summary.Updated} updated, {summary.UpToDate} up to date, {summary.Failed} failed, {summary.BlobsCopied} blobs copied");
                return summary.Failed == 0 ? 0 : 1;
            case "tags":
                var repository = Reference.Parse(args[1]);
                using (var store = ImageStores.OpenForRead(repository, context))
                {
                    var tags = store.ListTagsAsync(token).ToBlockingList();
                    foreach (var tag in tags)
                    {
                        store.GetManifestAsync(repository.WithTag(tag), token).GetAwaiter().GetResult();
                    }
                }

                return 0;
            case "inventory":
                // Get-OciTag -Detail All's engine: every field retention needs, per tag, counted as they stream.
                var inventoried = Reference.Parse(args[1]);
                int listed = 0, dated = 0, failed = 0;
                long referrers = 0;
                var tagList = TagListVerb.ListAsync(inventoried, null, TagDetailFields.All, context, token).GetAsyncEnumerator(token);
                try
                {
                    while (tagList.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                    {
                        var details = tagList.Current.Details;
                        listed++;
                        dated += details?.Created is null ? 0 : 1;
                        failed += details?.Error is null ? 0 : 1;
                        referrers += details?.ReferrerCount ?? 0;
                    }
                }
                finally
                {
                    tagList.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }

                Console.Error.WriteLine($"{listed} tags, {dated} dated, {referrers} referrers, {failed} failed");
                return failed == 0 && listed > 0 ? 0 : 1;
            case "expand":
                var image = Reference.Parse(args[1]);
                using (var store = ImageStores.OpenForRead(image, context))
                {
                    var resolved = ImageReader.ResolveImageAsync(store, image, null, token).GetAwaiter().GetResult();
                    ImageExpander.ExpandAsync(store, resolved.Image!, args[2], null, NullEngineLog.Instance, token).GetAwaiter().GetResult();
                }

                return 0;
            case "analyse":
                var analysed = Reference.Parse(args[1]);
                using (var store = ImageStores.OpenForRead(analysed, context))
                {
                    var analysis = ImageAnalyzer.AnalyzeAsync(store, analysed, null, new AnalysisOptions(), NullEngineLog.Instance, token).GetAwaiter().GetResult();
                    Console.Error.WriteLine($"efficiency {analysis.Efficiency}, wasted {analysis.WastedBytes} bytes, {analysis.FileCount} files");
                }

                return 0;
            default:
                Console.Error.WriteLine("unknown engine run " + args[0]);
                return 2;
        }
    }

    /// <summary>
    /// Runs one engine operation <paramref name="times"/> times in this process, each with {i} in its arguments
    /// replaced by the run's number (so each writes a target of its own), and prints the last run's wall and
    /// process CPU as a line <see cref="Measurement"/> takes instead of the whole process's: the steady state
    /// of a session, without start-up and JIT.
    /// </summary>
    public static int Session(int times, string[] args)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        for (var i = 1; i <= times; i++)
        {
            process.Refresh();
            var user = process.UserProcessorTime;
            var system = process.PrivilegedProcessorTime;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var code = Engine(args.Select(a => a.Replace("{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToArray());
            clock.Stop();
            if (code != 0)
            {
                return code;
            }

            if (i == times)
            {
                process.Refresh();
                Console.WriteLine(Measurement.SelfReport(clock.Elapsed.TotalSeconds, (process.UserProcessorTime - user).TotalSeconds, (process.PrivilegedProcessorTime - system).TotalSeconds));
            }
        }

        return 0;
    }

    public static int Cmdlet(string script)
    {
        using var host = new PowerShellHost();
        var result = host.Run(script + " | Out-Null");
        if (result.Errors.Count > 0)
        {
            Console.Error.WriteLine(string.Join("\n", result.Errors.Select(e => e.ToString())));
            return 1;
        }

        return 0;
    }
}

/// <summary>The engine's log on stderr, stamped with the milliseconds since the process started.</summary>
internal sealed class TimedLog : IEngineLog
{
    private static readonly DateTime Started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public void Verbose(string message) => Console.Error.WriteLine($"{(DateTime.UtcNow - Started).TotalMilliseconds,8:0} {message}");

    public void Warning(string message) => Verbose("WARNING " + message);
}

internal static class AsyncEnumerableExtensions
{
    public static System.Collections.Generic.List<T> ToBlockingList<T>(this System.Collections.Generic.IAsyncEnumerable<T> items)
    {
        var list = new System.Collections.Generic.List<T>();
        var enumerator = items.GetAsyncEnumerator();
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                list.Add(enumerator.Current);
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return list;
    }
}
