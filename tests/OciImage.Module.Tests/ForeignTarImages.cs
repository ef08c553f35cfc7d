using System;
using System.Collections.Generic;
using System.IO;
using OciImage.TestKit;

namespace OciImage.Module.Tests;

/// <summary>
/// The foreign-writer material the tar referees share, made once per class: the source tree of
/// <see cref="ForeignTars"/>, each writer's tar as the one layer of an image (tag = writer) in one layout, and
/// the tree GNU tar extracts from each tar (as root, owners kept: --same-owner).
/// </summary>
public sealed class ForeignTarImages : IDisposable
{
    private readonly TempDirectory _temp = new("ociforeigntar");
    private readonly Lazy<string> _source;
    private readonly Dictionary<string, string> _tars = new();

    public ForeignTarImages()
    {
        _source = new(() =>
        {
            if (Environment.UserName != "root")
            {
                throw Skip.Because("the source tree has files owned by 3000000:3000001, which only root can make");
            }

            var source = _temp.Combine("src");
            ForeignTars.MakeSourceTree(source);
            return source;
        });
    }

    public string Layout => _temp.Combine("layout");

    public string Combine(params string[] parts) => _temp.Combine(parts);

    /// <summary>The writer's tar, made on first use and added to the layout as the image tagged with the writer's name.</summary>
    public string Tar(string writer)
    {
        if (_tars.TryGetValue(writer, out var tar))
        {
            return tar;
        }

        var program = ForeignTars.Program(writer);
        if (!ExternalTool.IsInstalled(program))
        {
            throw Skip.Because($"'{program}' is not installed (.ci/run installs it with apt-get)");
        }

        tar = _temp.Combine(writer + ".tar");
        ForeignTars.Write(writer, _source.Value, tar);
        TestImages.Compose(Layout, writer, new[] { TestImages.AddTarLayer(Layout, File.ReadAllBytes(tar)) });
        _tars[writer] = tar;
        return tar;
    }

    /// <summary>What GNU tar extracts from the writer's tar, as root with owners.</summary>
    public string GnuTarTree(string writer)
    {
        var tree = _temp.Combine("gnu-x-" + writer);
        if (!Directory.Exists(tree))
        {
            Directory.CreateDirectory(tree);
            ExternalTool.Run("tar", "--numeric-owner", "--same-owner", "-xpf", Tar(writer), "-C", tree);
        }

        return tree;
    }

    public void Dispose() => _temp.Dispose();
}
