using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace OciImage.TestKit;

/// <summary>
/// One source tree written to tar by the writers other than ours that layers come from (GNU tar in its pax and
/// gnu formats, Python's tarfile in both, bsdtar in pax and gnutar, busybox tar), made at run time. The tree holds
/// what a ustar header cannot: names over 100 and over 255 bytes, a symbolic link target and a hard link target
/// over 100 bytes, owners 3000000:3000001, an extended attribute (for the writers that keep them), setuid, sticky
/// and private modes, UTF-8 and spaced names, and a hard link to a symbolic link. Needs root for the owners.
/// </summary>
public static class ForeignTars
{
    public static readonly string[] Writers = { "gnu-pax", "gnu-gnu", "python-pax", "python-gnu", "bsdtar-pax", "bsdtar-gnutar", "busybox" };

    public const string XattrFile = "xattr-file";
    public const string XattrName = "user.note";
    public const string XattrValue = "hello";

    public static readonly string LongName = new string('a', 120) + ".txt";
    public static readonly string DeepFile = "deep/" + string.Join("/", Enumerable.Repeat(new string('d', 90), 3)) + "/" + LongName;
    public static readonly string LongTarget = "/" + new string('t', 150) + "/target";

    /// <summary>The program a writer needs.</summary>
    public static string Program(string writer) => writer.Split('-')[0] switch
    {
        "gnu" => "tar",
        "python" => "python3",
        var other => other,
    };

    /// <summary>Whether the writer keeps extended attributes (GNU tar with --xattrs, bsdtar by default).</summary>
    public static bool KeepsXattrs(string writer) => writer is "gnu-pax" or "bsdtar-pax";

    /// <summary>Makes the source tree in <paramref name="root"/>.</summary>
    public static void MakeSourceTree(string root)
    {
        string At(string relative) => Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(At(DeepFile))!);
        File.WriteAllText(At(DeepFile), "deep content\n");
        File.WriteAllText(At(LongName), "long name\n");
        ExternalTool.Run("ln", At(DeepFile), At("hardlong"));
        File.CreateSymbolicLink(At("longlink"), LongTarget);
        File.WriteAllText(At("big-owner"), "big\n");
        File.WriteAllText(At(XattrFile), "x\n");
        ExternalTool.Run("python3", "-c", $"import os; os.setxattr('{At(XattrFile)}', '{XattrName}', b'{XattrValue}')");
        File.WriteAllText(At("suid"), "s\n");
        File.WriteAllText(At("naïve ü.txt"), "utf-8\n");
        Directory.CreateDirectory(At("sticky"));
        Directory.CreateDirectory(At("private"));
        File.WriteAllText(At("sym-target"), "t\n");
        File.CreateSymbolicLink(At("sym"), "sym-target");
        ExternalTool.Run("ln", At("sym"), At("sym-hard"));
        ExternalTool.Run("chown", "-h", "3000000:3000001", At("big-owner"), At("longlink"), At("private"));
        ExternalTool.Run("chmod", "4755", At("suid"));
        ExternalTool.Run("chmod", "1777", At("sticky"));
        ExternalTool.Run("chmod", "0700", At("private"));
    }

    /// <summary>Writes <paramref name="source"/> (its contents, as ./) to the tar <paramref name="tar"/> with a writer.</summary>
    public static void Write(string writer, string source, string tar)
    {
        switch (writer)
        {
            case "gnu-pax":
                ExternalTool.Run("tar", "--format=pax", "--xattrs", "--xattrs-include=*", "--sort=name", "-cf", tar, "-C", source, ".");
                break;
            case "gnu-gnu":
                ExternalTool.Run("tar", "--format=gnu", "--sort=name", "-cf", tar, "-C", source, ".");
                break;
            case "python-pax":
            case "python-gnu":
                var format = writer == "python-pax" ? "PAX_FORMAT" : "GNU_FORMAT";
                ExternalTool.Run("python3", "-c",
                    $"import tarfile\nwith tarfile.open({Quote(tar)}, 'w', format=tarfile.{format}) as t: t.add({Quote(source)}, arcname='.')");
                break;
            case "bsdtar-pax":
            case "bsdtar-gnutar":
                ExternalTool.Run("bsdtar", "--format=" + writer.Substring("bsdtar-".Length), "-cf", tar, "-C", source, ".");
                break;
            case "busybox":
                ExternalTool.Run("busybox", "tar", "-cf", tar, "-C", source, ".");
                break;
            default:
                throw new ArgumentException("no such writer: " + writer, nameof(writer));
        }
    }

    /// <summary>
    /// Sparse files as the writers that make them write them: GNU tar's old 'S' entries (gnu), its PAX 0.0, 0.1
    /// and 1.0 records, and bsdtar's PAX 1.0. The file has a 400,000-byte hole before 4 KiB of data.
    /// </summary>
    public static readonly (string Name, string Program, string[] Args)[] SparseWriters =
    {
        ("gnu-gnu", "tar", new[] { "--sparse", "--format=gnu" }),
        ("gnu-pax-0.0", "tar", new[] { "--sparse", "--format=pax", "--sparse-version=0.0" }),
        ("gnu-pax-0.1", "tar", new[] { "--sparse", "--format=pax", "--sparse-version=0.1" }),
        ("gnu-pax-1.0", "tar", new[] { "--sparse", "--format=pax", "--sparse-version=1.0" }),
        ("bsdtar-pax", "bsdtar", new[] { "--format=pax" }),
    };

    public static void WriteSparse(string name, string folder, string tar)
    {
        var source = Path.Combine(folder, "sparse-src");
        if (!Directory.Exists(source))
        {
            Directory.CreateDirectory(source);
            using var file = File.Create(Path.Combine(source, "sparse"));
            file.Seek(400_000, SeekOrigin.Begin);
            file.Write(Enumerable.Repeat((byte)1, 4096).ToArray());
        }

        var (_, program, args) = SparseWriters.Single(w => w.Name == name);
        ExternalTool.Run(program, args.Concat(new[] { "-cf", tar, "-C", source, "." }).ToArray());
    }

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
