using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace OciImage.Core.Tests;

/// <summary>
/// Seeded random inputs, a fixed number per target, against every parser of untrusted input: nothing may escape
/// but the errors documented for that parser. The seed and the count fix the inputs, so a failure reproduces on
/// any machine, whatever its speed; each input has a time limit, so a new hang fails the test instead of holding
/// CI. A crash found becomes a named regression.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    /// <summary>Inputs per target (the README quotes these).</summary>
    public const int ReferenceInputs = 100_000;
    public const int DocumentInputs = 20_000;
    public const int LayerInputs = 10_000;
    public const int JsonShapeInputs = 3_000;
    public const int JsonShapeFileInputs = 300;

    /// <summary>One input taking longer than this is a hang (the slowest today takes milliseconds).</summary>
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(10);

    private const string Manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5,"annotations":{"a":"b"}}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5}}""";
    private const string Index = """{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5,"platform":{"os":"linux","architecture":"arm64","variant":"v8","os.features":["x"]},"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}""";
    private const string Config = """{"created":"2024-01-01T00:00:00.123456789Z","architecture":"amd64","os":"linux","config":{"Env":["A=b"],"Labels":{"x":"y"},"ExposedPorts":{"80/tcp":{}}},"rootfs":{"type":"layers","diff_ids":["sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"]},"history":[{"created_by":"x","empty_layer":true}]}""";

    [Fact]
    public void ReferencesDigestsAndPlatforms()
    {
        var seeds = new[] { "localhost:5000/a/b:tag@sha256:" + new string('a', 64), "oci:./x:y", "oci:C:\\x@sha512:" + new string('b', 128), "linux/arm64/v8", "docker://a.b/c" };
        var alphabet = "abcAZ09:/@._-\\ \t\n%[]\u00e9\u0000";
        var fingerprint = Run("references", 1, ReferenceInputs, random => Edit(random, seeds, alphabet), text =>
        {
            Expect(() => Reference.Parse(text), typeof(InvalidReferenceException));
            Expect(() => Digest.Parse(text), typeof(InvalidDigestException));
            Expect(() => Platform.Parse(text), typeof(InvalidPlatformException));
            Expect(() => AuthChallenge.Parse(text));
        });
        output.WriteLine($"{ReferenceInputs} reference/digest/platform/challenge inputs, seed 1, fingerprint {fingerprint}");
    }

    [Fact]
    public void ManifestsIndexesConfigsAndLayoutIndexes()
    {
        var seeds = new[] { Manifest, Index, Config };
        var alphabet = "{}[]\":,0123456789abcdefghijklmnopqrstuvwxyz.+-/\\ \u00e9";
        var fingerprint = Run("documents", 2, DocumentInputs, random => Edit(random, seeds, alphabet), text =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Expect(() => ManifestParser.Parse(bytes, null, "fuzz"), typeof(InvalidManifestException), typeof(UnsupportedMediaTypeException));
            Expect(() => ManifestParser.Parse(bytes, MediaTypes.DockerManifestList, "fuzz"), typeof(InvalidManifestException), typeof(UnsupportedMediaTypeException));
            Expect(() => ImageConfig.Parse(bytes, "fuzz"), typeof(InvalidManifestException));
            Expect(
                () =>
                {
                    var index = LayoutIndex.Parse(bytes, "fuzz");
                    index.Add(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(bytes), Size = bytes.Length }, "t").ToBytes();
                },
                typeof(InvalidManifestException));
        });
        output.WriteLine($"{DocumentInputs} manifest/index/config inputs, seed 2, fingerprint {fingerprint}");
    }

    /// <summary>
    /// Structure-aware: JSON trees of every document the module reads (the test kit's valid and hostile seeds),
    /// mutated by type (null, another type, a member missing, a huge string, deep nesting, a wide array), through
    /// each reader as the module calls it. Every outcome is a document read (and usable: its users run on it) or
    /// an OciException whose ErrorId is in the README's table.
    /// </summary>
    [Fact]
    public void JsonShapesOfEveryReader()
    {
        using var readers = new JsonReaders();
        foreach (var kind in Enum.GetValues<OciImage.TestKit.Hostile.JsonDocumentKind>())
        {
            var onDisk = kind is OciImage.TestKit.Hostile.JsonDocumentKind.LayoutFile or OciImage.TestKit.Hostile.JsonDocumentKind.DockerConfig or OciImage.TestKit.Hostile.JsonDocumentKind.DockerArchiveManifest;
            var count = onDisk ? JsonShapeFileInputs : JsonShapeInputs;
            var hostile = OciImage.TestKit.Hostile.HostileJson.All.Where(d => d.Kind == kind).Select(d => d.Json).ToList();
            var seeds = Enumerable.Repeat(OciImage.TestKit.Hostile.HostileJson.Valid[kind], hostile.Count).Concat(hostile).ToArray();
            int read = 0, refused = 0;
            var seed = 10 + (int)kind;
            var fingerprint = Run("json " + kind, seed, count, random => OciImage.TestKit.Hostile.JsonTreeMutator.Mutate(random, seeds[random.Next(seeds.Length)]), text =>
            {
                try
                {
                    readers.Read(kind, Encoding.UTF8.GetBytes(text));
                    read++;
                }
                catch (OciException ex) when (OciImage.TestKit.Hostile.ReadmeErrorIds.All.Contains(ex.ErrorId))
                {
                    refused++;
                }
            });
            output.WriteLine($"{count} {kind} inputs, seed {seed}, fingerprint {fingerprint}: {read} read, {refused} refused");

            // Both outcomes occur, so the mutations reach past the syntax (an error body is never a success).
            Assert.True(refused > 0 || kind is OciImage.TestKit.Hostile.JsonDocumentKind.DockerConfig or OciImage.TestKit.Hostile.JsonDocumentKind.HelperAnswer, $"{kind}: nothing was refused");
            Assert.True(read > 0 || kind is OciImage.TestKit.Hostile.JsonDocumentKind.RegistryErrorBody, $"{kind}: nothing was read");
        }
    }

    [Fact]
    public void LayerTars()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        var seeds = new[] { LayerCompression.None, LayerCompression.Gzip, LayerCompression.Zstd }
            .Select(c => File.ReadAllBytes(LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Compression = c }, temp.Combine(c.ToString()), default).BlobPath!))
            .Append(new HostileTar().File("a", "b").Symlink("l", "/x").HardLink("h", "a").Directory("d").ToArray())
            .ToArray();
        var fingerprint = Run("layers", 3, LayerInputs, random => Mutate(random, seeds[random.Next(seeds.Length)]), input =>
        {
            Expect(
                () =>
                {
                    using var reader = new LayerReader(new MemoryStream(input), "fuzz", System.Threading.CancellationToken.None);
                    foreach (var item in reader.Items(default))
                    {
                        reader.Content.CopyTo(Stream.Null);
                    }
                },
                typeof(InvalidLayerException));
        });
        output.WriteLine($"{LayerInputs} layer inputs, seed 3, fingerprint {fingerprint}");
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
            using var reader = new LayerReader(new MemoryStream(input), "pax-loop", System.Threading.CancellationToken.None);
            foreach (var _ in reader.Items(default))
            {
                reader.Content.CopyTo(Stream.Null);
            }
        });
        var error = Assert.Throws<AggregateException>(() => reading.Wait(TimeSpan.FromSeconds(20)));
        Assert.IsType<InvalidLayerException>(error.InnerException);
    }

    /// <summary>
    /// Makes <paramref name="count"/> inputs from <paramref name="seed"/> and checks each on a worker thread, with
    /// <see cref="PerInput"/> for each: a hang fails the test naming the input. Returns a fingerprint of all inputs
    /// (the same on every machine for a seed and count).
    /// </summary>
    private static string Run<T>(string target, int seed, int count, Func<Random, T> next, Action<T> check)
    {
        var random = new Random(seed);
        var current = -1;
        long startedAt = 0;
        T? input = default;
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var clock = Stopwatch.StartNew();
        var worker = System.Threading.Tasks.Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < count; i++)
                {
                    var made = next(random);
                    hash.AppendData(made is string text ? Encoding.UTF8.GetBytes(text) : (byte[])(object)made!);
                    input = made;
                    Volatile.Write(ref startedAt, clock.ElapsedTicks);
                    Volatile.Write(ref current, i);
                    try
                    {
                        check(made);
                    }
                    catch (Exception ex)
                    {
                        throw new Xunit.Sdk.XunitException($"{target} input #{i} of seed {seed} ({Describe(made)}): {ex.GetType().Name} escaped: {ex}");
                    }
                }
            },
            System.Threading.Tasks.TaskCreationOptions.LongRunning);
        while (!worker.Wait(TimeSpan.FromMilliseconds(200)))
        {
            var at = Volatile.Read(ref current);
            var running = TimeSpan.FromTicks((long)((clock.ElapsedTicks - Volatile.Read(ref startedAt)) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));
            if (at >= 0 && running > PerInput)
            {
                // The worker thread is left spinning (a background thread); the test fails with the input that hung.
                throw new Xunit.Sdk.XunitException($"{target} input #{at} of seed {seed} ({Describe(input)}) ran over {PerInput.TotalSeconds:0} s: a hang");
            }
        }

        worker.GetAwaiter().GetResult();
        Assert.Equal(count - 1, current);
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant().Substring(0, 16);
    }

    private static string Describe(object? input) => input switch
    {
        string text => "text " + System.Text.Json.JsonSerializer.Serialize(text.Length > 200 ? text.Substring(0, 200) + "…" : text),
        byte[] bytes => $"{bytes.Length} bytes, sha256 {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant()}",
        _ => "?",
    };

    private static string Edit(Random random, string[] seeds, string alphabet)
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

        return new string(chars.ToArray());
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

    /// <summary>Runs the parser; only the documented error types (exactly, not subclasses) may come out.</summary>
    private static void Expect(Action parse, params Type[] documented)
    {
        try
        {
            parse();
        }
        catch (Exception ex) when (documented.Contains(ex.GetType()))
        {
        }
    }
}
