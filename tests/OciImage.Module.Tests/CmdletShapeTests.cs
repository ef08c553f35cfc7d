using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// The shape of a cmdlet: it binds parameters, resolves references, calls one engine verb (Verbs/) and writes
/// its objects. Stores are the engine's business: no cmdlet, completer or helper of the module opens one or
/// names an implementation, so a store or transport changes without touching a cmdlet.
/// </summary>
public class CmdletShapeTests
{
    private const int MaximumCmdletLines = 120;

    private static readonly Regex StoreNames = new(@"\b(ImageStores|OciLayoutStore|RegistryClient|RegistryStore|OciArchiveStore|DockerArchiveStore)\b");

    private static readonly Regex VerbCalls = new(@"\b(\w+Verb)\.");

    private static string Source(params string[] parts) => Path.Combine(new[] { RepoPaths.Root, "src", "OciImage" }.Concat(parts).ToArray());

    [Fact]
    public void EveryCmdletCallsOneVerbAndIsShort()
    {
        var cmdlets = Directory.GetFiles(Source("Commands"), "*Command.cs");
        Assert.True(cmdlets.Length >= 28, $"found only {cmdlets.Length} cmdlet files");
        foreach (var file in cmdlets)
        {
            var text = File.ReadAllText(file);
            var name = Path.GetFileName(file);
            var lines = File.ReadAllLines(file).Length;
            Assert.True(lines <= MaximumCmdletLines, $"{name} has {lines} lines (at most {MaximumCmdletLines}): move its logic into a verb");

            // A cmdlet's base class may make the verb call for it (OciComposeCmdlet.Mutate).
            var baseClass = Regex.Match(text, @"class \w+ : (\w+)").Groups[1].Value;
            var baseFile = Source(baseClass + ".cs");
            var withBase = File.Exists(baseFile) ? text + File.ReadAllText(baseFile) : text;
            var verbs = VerbCalls.Matches(withBase).Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.True(verbs.Count == 1, $"{name} calls {verbs.Count} verbs ({string.Join(", ", verbs)}): it should call one");
        }
    }

    [Fact]
    public void NothingInTheModuleOpensOrNamesAStore()
    {
        var files = Directory.GetFiles(Source(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
            .ToList();
        Assert.Contains(files, f => f.EndsWith("LayoutTagCompleter.cs"));
        foreach (var file in files)
        {
            var found = StoreNames.Matches(File.ReadAllText(file)).Select(m => m.Value).Distinct().ToList();
            Assert.True(found.Count == 0, $"{Path.GetRelativePath(Source(), file)} names {string.Join(", ", found)}: open stores in a verb");
        }
    }
}
