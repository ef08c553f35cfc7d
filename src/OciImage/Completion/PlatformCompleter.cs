using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using System.Threading;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Completion;

/// <summary>
/// Completes -Platform: the platforms of the index the -Reference (or -Source) names when it is a layout (read
/// at once, no network), else the common ones.
/// </summary>
public sealed class PlatformCompleter : IArgumentCompleter
{
    private static readonly string[] Common = { "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var candidates = FromLayout(fakeBoundParameters) ?? Common;
        return candidates
            .Where(p => p.StartsWith(wordToComplete.Trim('\'', '"'), System.StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p));
    }

    private static IEnumerable<string>? FromLayout(IDictionary bound)
    {
        var text = (bound["Reference"] ?? bound["Source"] ?? bound["Base"]) switch
        {
            string s => s,
            string[] a when a.Length > 0 => a[0],
            object o => o.ToString(),
            _ => null,
        };
        if (text is null || !Reference.TryParse(text, out var reference) || !reference!.IsLayout)
        {
            return null;
        }

        try
        {
            // A layout is read at once, on this thread's behalf (a completer answers synchronously).
            var context = new StoreContext(new Core.Registry.RegistrySessions { DockerConfigPath = null }, null, NullEngineLog.Instance);
            var resolved = System.Threading.Tasks.Task.Run(() => ReadVerb.ManifestAsync(reference, null, context, CancellationToken.None)).GetAwaiter().GetResult();
            return resolved.Manifest is ImageIndex index
                ? index.Platforms()
                : null;
        }
        catch (Core.Errors.OciException)
        {
            return null;
        }
        catch (System.IO.IOException)
        {
            return null;
        }
    }
}
