using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using OciImage.Core.Stores;

namespace OciImage.Completion;

/// <summary>Completes oci:PATH: with the tags of the layout at PATH (relative paths against the current location).</summary>
public sealed class LayoutTagCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim('\'', '"');
        if (!word.StartsWith("oci:", StringComparison.Ordinal))
        {
            return Enumerable.Empty<CompletionResult>();
        }

        var colon = word.LastIndexOf(':');
        var path = colon > 3 ? word.Substring(4, colon - 4) : word.Substring(4);
        var prefix = colon > 3 ? word.Substring(colon + 1) : string.Empty;
        if (path.Length == 0)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        try
        {
            var full = Path.IsPathRooted(path) ? path : Path.Combine(CurrentLocation(), path);
            using var store = OciLayoutStore.Open(full);
            return store.ReadIndex().Manifests
                .Select(m => m.RefName)
                .Where(t => t is not null && t.StartsWith(prefix, StringComparison.Ordinal))
                .Distinct()
                .Select(t => $"oci:{path}:{t}")
                .Select(r => new CompletionResult(r, r, CompletionResultType.ParameterValue, r))
                .ToList();
        }
        catch (Exception ex) when (ex is Core.Errors.OciException or IOException or UnauthorizedAccessException)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }

    private static string CurrentLocation()
    {
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        return ps.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke<string>().FirstOrDefault() ?? Environment.CurrentDirectory;
    }
}
