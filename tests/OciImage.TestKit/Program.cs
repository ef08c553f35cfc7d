using System;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit;

/// <summary>
/// A second process for the tests: <c>tag-layout LAYOUT PREFIX COUNT</c> writes COUNT small manifests into a
/// layout, each with its own tag, as fast as it can, so two processes race on index.json.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 4 || args[0] != "tag-layout")
        {
            Console.Error.WriteLine("usage: tag-layout LAYOUT PREFIX COUNT");
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
}
