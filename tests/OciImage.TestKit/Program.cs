using System;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit;

/// <summary>
/// A second process for the tests: <c>tag-layout LAYOUT PREFIX COUNT</c> writes COUNT small manifests into a
/// layout, each with its own tag, as fast as it can, so two processes race on index.json; <c>copy SRC DST</c>
/// copies an image between layouts, for a test that kills it half way.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
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
}
