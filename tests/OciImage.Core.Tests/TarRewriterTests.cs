using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core.Layers;
using OciImage.Core.Rewrite;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>The tar rewriter under Edit-OciImage: byte-exact when nothing applies, strips a path under every name it has, re-times every time field.</summary>
public class TarRewriterTests
{
    private static (byte[] Output, TarRewriter Rewriter) Rewrite(byte[] tar, TarRules rules)
    {
        var rewriter = new TarRewriter(rules, "the test layer");
        var output = new MemoryStream();
        rewriter.Rewrite(new MemoryStream(tar), output, CancellationToken.None);
        return (output.ToArray(), rewriter);
    }

    private static LayerItem[] Items(byte[] tar)
    {
        using var reader = new LayerReader(new MemoryStream(tar), "the output", System.Threading.CancellationToken.None);
        return reader.Items(CancellationToken.None).ToArray();
    }

    [Fact]
    public void WithNoRulesEveryByteStays()
    {
        foreach (var tar in new[] { SecretByOtherNames.Lower(), SecretByOtherNames.Upper() })
        {
            Assert.Equal(tar, Rewrite(tar, TarRules.From(null, null)).Output);
        }

        // A rule that matches nothing leaves the bytes too: untouched entries are copied, not written again.
        Assert.Equal(SecretByOtherNames.Lower(), Rewrite(SecretByOtherNames.Lower(), TarRules.From(new[] { "/nothing/here" }, null)).Output);
    }

    [Fact]
    public void AStripTakesTheSecretUnderEveryNameItHas()
    {
        var rules = TarRules.From(new[] { "/etc/secret" }, null);
        var (lower, rewriter) = Rewrite(SecretByOtherNames.Lower(), rules);
        Assert.Equal(new[] { "etc", "etc/keep" }, Items(lower).Select(i => i.Path).ToArray());
        Assert.DoesNotContain(SecretByOtherNames.Secret, Encoding.ASCII.GetString(lower));
        Assert.Contains("/etc/secret/value", rewriter.Removed);
        Assert.Contains("/etc/alias", rewriter.Removed); // a hard link to it is the same file
        Assert.Contains(rewriter.Removed, p => p.EndsWith("/key", StringComparison.Ordinal)); // the GNU long name below it

        var (upper, upperRewriter) = Rewrite(SecretByOtherNames.Upper(), rules);
        Assert.Equal(new[] { "etc/hostname" }, Items(upper).Select(i => i.Path).ToArray()); // the whiteout names a path no layer has now
        Assert.Equal(new[] { "/etc/.wh.secret" }, upperRewriter.Removed);
        Assert.Equal(new[] { "/etc/secret" }, rules.Matched.ToArray());
    }

    [Fact]
    public void ARetimeSetsEveryTimeFieldAndTheTarStaysReadable()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(1234567890);
        var (output, rewriter) = Rewrite(SecretByOtherNames.Lower(), TarRules.From(null, time));
        var items = Items(output);
        Assert.Equal(Items(SecretByOtherNames.Lower()).Select(i => i.Path), items.Select(i => i.Path));
        Assert.All(items, i => Assert.Equal(time.UtcDateTime, i.Modified));
        Assert.Equal(items.Length, rewriter.Retimed);
        var text = Encoding.ASCII.GetString(output);
        Assert.DoesNotContain("1700000001.5", text);
        Assert.DoesNotContain("atime=1700000002", text);

        if (ExternalTool.IsInstalled("tar"))
        {
            using var temp = new TempDirectory();
            File.WriteAllBytes(temp.Combine("layer.tar"), output);
            var run = ExternalTool.TryRunWith(new System.Collections.Generic.Dictionary<string, string?> { ["TZ"] = "UTC" }, "tar", "--full-time", "-tvf", temp.Combine("layer.tar"));
            Assert.True(run.ExitCode == 0, run.StdErr);
            var listing = run.StdOut;
            Assert.DoesNotContain("2023-", listing);
            Assert.Contains("2009-02-13 23:31:30", listing);
        }
    }
    /// <summary>
    /// A tar that names an entry one way to a POSIX reader and another way to Go's archive/tar (what docker,
    /// containerd and podman extract with) is refused, by the reader and so by a strip: a strip that read "decoy"
    /// where the container runtime reads /etc/secret would leave the secret in the image it says it took it from.
    /// </summary>
    [Theory]
    [InlineData(nameof(ReaderDisagreement.PaxPathAndGnuLongName))]
    [InlineData(nameof(ReaderDisagreement.GlobalPath))]
    [InlineData(nameof(ReaderDisagreement.PathInAnEarlierPaxHeader))]
    [InlineData(nameof(ReaderDisagreement.GlobalSizeSmugglesAHeader))]
    public void ATarThatReadersReadDifferentlyIsRefusedNotStrippedHalfway(string fixture)
    {
        var tar = ReaderDisagreement.All().Single(f => f.Name == fixture).Tar;
        var failure = Assert.Throws<OciImage.Core.Errors.InvalidLayerException>(() => Rewrite(tar, TarRules.From(new[] { "/etc/secret" }, null)));
        Assert.Contains("archive/tar", failure.Message);
        Assert.Throws<OciImage.Core.Errors.InvalidLayerException>(() => Items(tar));
    }
    /// <summary>A large global PAX header is read once, not once an entry: 8,000 entries behind 1 MiB of it took 25 seconds.</summary>
    [Fact]
    public void AGlobalPaxHeaderCostsOnceNotOnceAnEntry()
    {
        var tar = GlobalPaxFlood.Tar(8000);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (output, rewriter) = Rewrite(tar, TarRules.From(new[] { "/f1" }, DateTimeOffset.FromUnixTimeSeconds(0)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the rewrite took {clock.Elapsed}");
        Assert.Equal(new[] { "/f1" }, rewriter.Removed);
        Assert.Equal(7999, Items(output).Length);
    }
}
