using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Transports;
using OciImage.Desktop.Tests.Support;
using Xunit;

namespace OciImage.Desktop.Tests;

/// <summary>Layouts, a copy between layouts, and a copy through the CNCF registry: file I/O, locking, HttpClient.</summary>
public class DesktopCopyTests
{
    private const string HelloDigest = "sha256:5e250519489c40cfe243f032a450eace5e84beeafa7fcd3b32dc52da9fb5ddba";

    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ALayoutIsReadAndItsBlobsVerified()
    {
        using var store = OciLayoutStore.Open(DesktopPaths.Hello);
        var manifest = Assert.IsType<ImageManifest>(await store.GetManifestAsync(Reference.ForLayout(DesktopPaths.Hello, "1.0"), None));
        Assert.Equal(HelloDigest, manifest.Digest.ToString());
        foreach (var blob in manifest.Layers.Append(manifest.Config))
        {
            using var stream = await store.OpenBlobAsync(blob, None);
            Assert.Equal(blob.Digest, Digest.Compute(stream).Digest);
        }

        await Assert.ThrowsAsync<ManifestUnknownException>(() => store.GetManifestAsync(Reference.ForLayout(DesktopPaths.Hello, "2.0"), None));
    }

    [Fact]
    public async Task ACopyBetweenLayoutsKeepsTheDigestAndATamperedBlobIsRefused()
    {
        using var temp = new TempFolder();
        var target = temp.Combine("copy");
        using (var source = OciLayoutStore.Open(DesktopPaths.Hello))
        using (var destination = OciLayoutStore.OpenOrCreate(target))
        {
            var result = await new ImageCopier(source, destination, new CopyOptions(), NullEngineLog.Instance, null)
                .CopyAsync(Reference.ForLayout(DesktopPaths.Hello, "1.0"), Reference.ForLayout(target, "v1"), None);
            Assert.Equal(HelloDigest, result.Digest.ToString());
            Assert.Equal(2, result.BlobsCopied);
        }

        using (var copy = OciLayoutStore.Open(target))
        {
            Assert.Equal(HelloDigest, (await copy.ResolveAsync(Reference.ForLayout(target, "v1"), None)).Digest.ToString());
        }

        // The same copy from a layout whose layer was altered on disk stops at the digest check.
        var tampered = temp.Combine("tampered");
        CopyFolder(DesktopPaths.Hello, tampered);
        var layer = Directory.GetFiles(Path.Combine(tampered, "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = File.ReadAllBytes(layer);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(layer, bytes);
        using var bad = OciLayoutStore.Open(tampered);
        using var again = OciLayoutStore.OpenOrCreate(temp.Combine("again"));
        await Assert.ThrowsAsync<DigestMismatchException>(() => new ImageCopier(bad, again, new CopyOptions(), NullEngineLog.Instance, null)
            .CopyAsync(Reference.ForLayout(tampered, "1.0"), Reference.ForLayout(temp.Combine("again"), "v1"), None));
    }

    [Fact]
    public async Task ACopyThroughTheCncfRegistryKeepsTheDigest()
    {
        Assert.True(CncfRegistry.IsInstalled, "docker-registry is not installed (apt-get install docker-registry; .ci/run does)");
        using var registry = new CncfRegistry();
        using var temp = new TempFolder();
        var context = new StoreContext(new RegistrySessions { DockerConfigPath = null }, null, NullEngineLog.Instance);
        var remote = Reference.Parse($"{registry.Host}/desktop/hello:v1");
        using (var source = OciLayoutStore.Open(DesktopPaths.Hello))
        using (var push = ImageStores.OpenRegistry(remote, context))
        {
            var pushed = await new ImageCopier(source, push, new CopyOptions(), NullEngineLog.Instance, null)
                .CopyAsync(Reference.ForLayout(DesktopPaths.Hello, "1.0"), remote, None);
            Assert.Equal(HelloDigest, pushed.Digest.ToString());
        }

        var back = temp.Combine("back");
        using (var pull = ImageStores.OpenRegistry(remote, context))
        using (var destination = OciLayoutStore.OpenOrCreate(back))
        {
            var pulled = await new ImageCopier(pull, destination, new CopyOptions(), NullEngineLog.Instance, null)
                .CopyAsync(remote, Reference.ForLayout(back, "v1"), None);
            Assert.Equal(HelloDigest, pulled.Digest.ToString());
            Assert.Equal(2, pulled.BlobsCopied);
        }

        using var missing = ImageStores.OpenRegistry(remote, context);
        await Assert.ThrowsAsync<ManifestUnknownException>(() => missing.GetManifestAsync(remote.WithTag("absent"), None));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(from))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
