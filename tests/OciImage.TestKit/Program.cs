using System;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit;

/// <summary>
/// A second process for the tests: <c>tag-layout LAYOUT PREFIX COUNT</c> writes COUNT small manifests into a
/// layout, each with its own tag, as fast as it can, so two processes race on index.json; <c>copy SRC DST</c>
/// copies an image between layouts, for a test that kills it half way; <c>ping HOST [--allow-insecure]
/// [--skip-certificate-check] [--user U --password P]</c> asks a registry's /v2/ once, in a process of its own
/// so the environment's HTTP_PROXY, HTTPS_PROXY and NO_PROXY (read once per process) are the test's: prints
/// what the engine logged ("log: ...") and "ok" or "error ID: message".
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (KillTargets.TryRun(args, out var exitCode))
        {
            return exitCode;
        }

        if (args.Length >= 2 && args[0] == "ping")
        {
            return Ping(args[1], args[2..]);
        }

        if (args.Length == 3 && args[0] == "copy")
        {
            // copy SOURCE DESTINATION (oci: references): a copy a test can kill half way.
            var from = Reference.Parse(args[1]);
            var to = Reference.Parse(args[2]);
            using var source = OciLayoutStore.Open(from.LayoutPath!);
            using var target = OciLayoutStore.OpenOrCreate(to.LayoutPath!);
            new OciImage.Core.Copy.ImageCopier(source, target, new OciImage.Core.Copy.CopyOptions { ThrottleLimit = 1 }, NullEngineLog.Instance, null)
                .CopyAsync(from, to, CancellationToken.None).GetAwaiter().GetResult();
            return 0;
        }

        if (args.Length != 4 || args[0] != "tag-layout")
        {
            Console.Error.WriteLine("usage: tag-layout LAYOUT PREFIX COUNT | copy SOURCE DESTINATION");
            return 2;
        }

        using var store = OciLayoutStore.OpenOrCreate(args[1]);
        var count = int.Parse(args[3]);
        for (var i = 0; i < count; i++)
        {
            var manifest = SampleManifests.Tiny(args[2] + "-" + i);
            store.PutManifestAsync(manifest, args[2] + "-" + i, CancellationToken.None).GetAwaiter().GetResult();
        }

        return 0;
    }

    private static int Ping(string host, string[] flags)
    {
        var user = Array.IndexOf(flags, "--user") is var u and >= 0 ? flags[u + 1] : null;
        var password = Array.IndexOf(flags, "--password") is var p and >= 0 ? flags[p + 1] : null;
        var options = new OciImage.Core.Registry.RegistryOptions
        {
            AllowInsecure = Array.IndexOf(flags, "--allow-insecure") >= 0,
            SkipCertificateCheck = Array.IndexOf(flags, "--skip-certificate-check") >= 0,
            Credential = user is null ? null : new OciImage.Core.Registry.RegistryCredential(user, password!),
            MaximumRetryCount = 0,
            RequestTimeout = TimeSpan.FromSeconds(20),
        };
        var log = new ConsoleLog();
        try
        {
            TestClients.Client(host, options, log).PingAsync(CancellationToken.None).GetAwaiter().GetResult();
            Console.WriteLine("ok");
        }
        catch (OciImage.Core.Errors.OciException ex)
        {
            Console.WriteLine($"error {ex.ErrorId}: {ex.Message}");
        }

        return 0;
    }

    private sealed class ConsoleLog : IEngineLog
    {
        public void Verbose(string message) => Console.WriteLine("log: " + message);

        public void Warning(string message) => Console.WriteLine("log: WARNING: " + message);
    }
}
