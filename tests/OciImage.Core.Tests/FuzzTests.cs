using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace OciImage.Core.Tests;

/// <summary>
/// Seeded random inputs, bounded in time, against every parser of untrusted input: nothing may escape but the
/// documented exceptions. Seeds are fixed, so a failure reproduces; a crash found becomes a named regression.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    private const string Manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5,"annotations":{"a":"b"}}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5}}""";
    private const string Index = """{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5,"platform":{"os":"linux","architecture":"arm64","variant":"v8","os.features":["x"]},"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}""";
    private const string Config = """{"created":"2024-01-01T00:00:00.123456789Z","architecture":"amd64","os":"linux","config":{"Env":["A=b"],"Labels":{"x":"y"},"ExposedPorts":{"80/tcp":{}}},"rootfs":{"type":"layers","diff_ids":["sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"]},"history":[{"created_by":"x","empty_layer":true}]}""";

    [Fact]
    public void ReferencesDigestsAndPlatforms()
    {
        var seeds = new[] { "localhost:5000/a/b:tag@sha256:" + new string('a', 64), "oci:./x:y", "oci:C:\\x@sha512:" + new string('b', 128), "linux/arm64/v8", "docker://a.b/c" };
        var alphabet = "abcAZ09:/@._-\\ \t\n%[]\u00e9\u0000";
        var count = Run(1, seeds, alphabet, text =>
        {
            Expect<InvalidReferenceException>(() => Reference.Parse(text));
            Expect<InvalidDigestException>(() => Digest.Parse(text));
            Expect<InvalidPlatformException>(() => Platform.Parse(text));
            AuthChallenge.Parse(text);
        });
        output.WriteLine($"{count} reference/digest/platform/challenge inputs");
    }

    [Fact]
    public void ManifestsIndexesConfigsAndLayoutIndexes()
    {
        var count = Run(2, new[] { Manifest, Index, Config }, "{}[]\":,0123456789abcdefghijklmnopqrstuvwxyz.+-/\\ \u00e9", text =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Expect<OciException>(() => ManifestParser.Parse(bytes, null, "fuzz"));
            Expect<OciException>(() => ManifestParser.Parse(bytes, MediaTypes.DockerManifestList, "fuzz"));
            Expect<InvalidManifestException>(() => ImageConfig.Parse(bytes, "fuzz"));
            Expect<InvalidManifestException>(() =>
            {
                var index = LayoutIndex.Parse(bytes, "fuzz");
                index.Add(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(bytes), Size = bytes.Length }, "t").ToBytes();
            });
        });
        output.WriteLine($"{count} manifest/index/config inputs");
    }

    [Fact]
    public void LayerTars()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        var seeds = new[] { LayerCompression.None, LayerCompression.Gzip, LayerCompression.Zstd }
            .Select(c => File.ReadAllBytes(LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Compression = c }, temp.Combine(c.ToString()), default).BlobPath))
            .Append(new HostileTar().File("a", "b").Symlink("l", "/x").HardLink("h", "a").Directory("d").ToArray())
            .ToArray();
        var random = new Random(3);
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Budget)
        {
            var input = Mutate(random, seeds[random.Next(seeds.Length)]);
            count++;
            Expect<OciException>(() =>
            {
                using var reader = new LayerReader(new MemoryStream(input), "fuzz");
                foreach (var item in reader.Items(default))
                {
                    reader.Content.CopyTo(Stream.Null);
                }
            });
        }

        output.WriteLine($"{count} layer inputs");
        Assert.True(count > 50);
    }

    /// <summary>
    /// Regression (found by LayerTars, seed 3): random bytes inserted after a PAX header made SharpZipLib's tar
    /// reader loop forever on zero-byte reads. The input is kept in tests/data/fuzz.
    /// </summary>
    [Fact]
    public void TheInputThatHungTheTarReaderIsAnErrorNow()
    {
        var input = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "data", "fuzz", "pax-loop.tar"));
        var reading = System.Threading.Tasks.Task.Run(() =>
        {
            using var reader = new LayerReader(new MemoryStream(input), "pax-loop");
            foreach (var _ in reader.Items(default))
            {
                reader.Content.CopyTo(Stream.Null);
            }
        });
        var error = Assert.Throws<AggregateException>(() => reading.Wait(TimeSpan.FromSeconds(20)));
        Assert.IsType<InvalidLayerException>(error.InnerException);
    }

    private static int Run(int seed, string[] seeds, string alphabet, Action<string> check)
    {
        var random = new Random(seed);
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Budget)
        {
            var start = seeds[random.Next(seeds.Length)];
            var chars = start.ToList();
            var edits = random.Next(1, 6);
            for (var i = 0; i < edits; i++)
            {
                var at = chars.Count == 0 ? 0 : random.Next(chars.Count);
                switch (random.Next(4))
                {
                    case 0 when chars.Count > 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    case 2 when chars.Count > 0: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                    default: chars = chars.Take(at).ToList(); break;
                }
            }

            check(new string(chars.ToArray()));
            count++;
        }

        Assert.True(count > 100);
        return count;
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(3))
        {
            case 0:
                for (var i = 0; i < 1 + random.Next(8); i++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                return bytes.Take(random.Next(bytes.Length)).ToArray();
            default:
                var at = random.Next(bytes.Length);
                var junk = new byte[random.Next(1, 600)];
                random.NextBytes(junk);
                return bytes.Take(at).Concat(junk).Concat(bytes.Skip(at)).ToArray();
        }
    }

    /// <summary>Runs the parser; only <typeparamref name="T"/> (an engine error) may come out.</summary>
    private static void Expect<T>(Action parse)
        where T : Exception
    {
        try
        {
            parse();
        }
        catch (T)
        {
        }
    }
}
