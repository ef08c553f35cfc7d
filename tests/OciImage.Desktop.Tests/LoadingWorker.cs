using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using OciImage.Core.Layers;

namespace OciImage.Desktop.Tests;

/// <summary>
/// Runs in an application domain of its own whose base folder holds nothing but this assembly, as powershell.exe's
/// holds nothing of OciImage: what it needs of the module must come from the module folder, through the module's
/// own resolver. Another module's older SharpZipLib and ZstdSharp are loaded first.
/// </summary>
public sealed class LoadingWorker : MarshalByRefObject
{
    /// <returns>Lines: "runtime-choice ...", "layers ...", then "loaded NAME VERSION FOLDER" for the libraries.</returns>
    public string[] Run(string moduleFolder, string otherModuleFolder, bool installResolver)
    {
        var lines = new List<string>();
        foreach (var other in new[] { "ICSharpCode.SharpZipLib.dll", "ZstdSharp.dll" })
        {
            // Another module's copy, in use before OciImage is imported.
            Assembly.LoadFrom(Path.Combine(otherModuleFolder, other));
        }

        var module = Assembly.LoadFrom(Path.Combine(moduleFolder, "OciImage.dll"));
        if (installResolver)
        {
            var resolver = Activator.CreateInstance(module.GetType("OciImage.ModuleAssemblyResolver", throwOnError: true)!, moduleFolder);
            resolver!.GetType().GetMethod("Install")!.Invoke(resolver, null);
        }

        var choice = module.GetType("OciImage.HostRuntime", throwOnError: true)!.GetMethod("UsesLoadContexts", Type.EmptyTypes)!.Invoke(null, null);
        lines.Add("runtime-choice load-contexts=" + choice);
        lines.Add(BuildAndReadLayers());
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            var name = assembly.GetName();
            if (name.Name is "OciImage.Core" or "ICSharpCode.SharpZipLib" or "ZstdSharp")
            {
                lines.Add($"loaded {name.Name} {name.Version} {Path.GetDirectoryName(assembly.Location)}");
            }
        }

        return lines.ToArray();
    }

    // Apart, so the engine is first asked for when this runs (after the resolver is installed), not when Run is compiled.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string BuildAndReadLayers()
    {
        var root = Path.Combine(Path.GetTempPath(), "ociimage-desktop-loading-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "tree", "etc"));
            File.WriteAllText(Path.Combine(root, "tree", "etc", "hello.txt"), string.Concat(Enumerable.Repeat("hello from a layer\n", 1000)));
            var counts = new List<string>();
            foreach (var compression in new[] { LayerCompression.Gzip, LayerCompression.Zstd })
            {
                var layer = LayerBuilder.BuildIntoDirectory(Path.Combine(root, "tree"), new LayerBuildOptions { Compression = compression }, Path.Combine(root, compression.ToString()), default);
                using var reader = new LayerReader(File.OpenRead(layer.BlobPath!), "layer", System.Threading.CancellationToken.None);
                counts.Add($"{compression}={reader.Items(CancellationToken.None).Count(i => i.Type == EntryKind.File)}");
            }

            return "layers " + string.Join(" ", counts);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
