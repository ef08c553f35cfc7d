using System;
using System.IO;
using System.Threading.Tasks;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Archives;
using OciImage.Core.Images;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit;

/// <summary>
/// Child-process work for the tests that kill a writer with SIGKILL: <c>expand LAYOUT-REF DESTINATION</c> expands
/// an image, <c>export LAYOUT-REF ARCHIVE</c> writes an oci-archive, each from a layout that stalls on its second
/// layer (printing "stalled"), so the kill always lands half way; <c>claim PARENT STEM</c> claims a work folder,
/// writes a file in it, prints its path and waits to be killed.
/// </summary>
public static class KillTargets
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        switch (args.Length == 3 ? args[0] : null)
        {
            case "expand":
            {
                var reference = Reference.Parse(args[1]);
                using var store = new StallingStore(OciLayoutStore.Open(reference.LayoutPath!));
                var image = ImageHandle.OpenAsync(store, reference, null, CancellationToken.None).GetAwaiter().GetResult();
                ImageExpander.ExpandAsync(store, image.Manifest, args[2], null, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
                return true;
            }

            case "export":
            {
                var reference = Reference.Parse(args[1]);
                using var store = new StallingStore(OciLayoutStore.Open(reference.LayoutPath!));
                ImageArchives.ExportAsync(store, reference, args[2], ArchiveFormat.Oci, null, null, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
                return true;
            }

            case "claim":
            {
                var claimed = ClaimedFolder.Create(args[1], args[2]);
                System.IO.File.WriteAllText(System.IO.Path.Combine(claimed.Path, "work"), "half done");
                Console.WriteLine(claimed.Path);
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>A layout that never answers its second layer's read: the writer is then half way, for good.</summary>
    private sealed class StallingStore(IImageStore inner) : ForwardingStore(inner)
    {
        private int _opened;

        public override Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
        {
            if (descriptor.MediaType.Contains("layer") && Interlocked.Increment(ref _opened) == 2)
            {
                Console.WriteLine("stalled");
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
            }

            return Inner.OpenBlobAsync(descriptor, cancellationToken);
        }
    }
}
