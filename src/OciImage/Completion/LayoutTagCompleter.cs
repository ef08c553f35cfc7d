using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Completion;

/// <summary>
/// Completes image references: the path after oci:, oci-archive: and docker-archive: (folders, archive files);
/// oci:PATH: with the names in the layout at PATH (relative paths against the
/// current location); for registries connected in this session (Connect-OciRegistry), their host names, then
/// the repositories of a host (its catalog), then the tags of a repository. A registry that does not answer
/// within a few seconds completes nothing rather than holding the prompt.
/// </summary>
public sealed class LayoutTagCompleter : IArgumentCompleter
{
    private static readonly TimeSpan RegistryPatience = TimeSpan.FromSeconds(3);
    private const int MaximumSuggestions = 200;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim('\'', '"');
        try
        {
            var values = LocalPaths(word) ?? TransportNames(word) ?? (word.StartsWith(Reference.LayoutPrefix, StringComparison.Ordinal) ? LayoutNames(word) : RegistryNames(word));
            return values.Take(MaximumSuggestions).Select(r => new CompletionResult(Quote(r), r, CompletionResultType.ParameterValue, r)).ToList();
        }
        catch (Exception ex) when (ex is Core.Errors.OciException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }

    /// <summary>Paths after the prefix of a transport that names a path (oci:, oci-archive:, docker-archive:) while no colon ends the path yet; else null.</summary>
    private static IEnumerable<string>? LocalPaths(string word)
    {
        foreach (var prefix in TransportTable.Default.PathTransports.Select(t => t.Prefix))
        {
            if (!word.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = word.Substring(prefix.Length);
            var start = rest.Length >= 2 && rest[1] == ':' && char.IsLetter(rest[0]) ? 2 : 0;
            return rest.IndexOf(':', start) >= 0 ? null : LocalPathCompletion.Complete(prefix, rest, CurrentLocation(), filesToo: prefix != Reference.LayoutPrefix);
        }

        return null;
    }

    /// <summary>Names a transport that names no path offers after its prefix (docker-daemon: lists the daemon's images); null for other words.</summary>
    private static IEnumerable<string>? TransportNames(string word)
    {
        var transport = TransportTable.Default.FindByPrefix(word);
        if (transport is null || transport.NamesAPath || word.Length == 0)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(RegistryPatience);
        var prefix = transport.Prefix;
        var names = Collect(transport.CompleteNamesAsync(word.Substring(prefix.Length), LocalContext, timeout.Token), _ => true, n => prefix + n, timeout.Token);
        return names.Count > 0 ? names : null;
    }

    private static StoreContext LocalContext => new(new Core.Registry.RegistrySessions(), null, NullEngineLog.Instance);

    /// <summary>oci:PATH:NAME, where PATH ends at the first colon (a Windows drive's excepted), as references parse.</summary>
    private static IEnumerable<string> LayoutNames(string word)
    {
        var rest = word.Substring(Reference.LayoutPrefix.Length);
        var start = rest.Length >= 2 && rest[1] == ':' && char.IsLetter(rest[0]) ? 2 : 0;
        var colon = rest.IndexOf(':', start);
        var path = colon >= 0 ? rest.Substring(0, colon) : rest;
        var prefix = colon >= 0 ? rest.Substring(colon + 1) : string.Empty;
        if (path.Length == 0)
        {
            return Enumerable.Empty<string>();
        }

        var full = Path.IsPathRooted(path) ? path : Path.Combine(CurrentLocation(), path);
        return Collect(TagNames(ReadVerb.TagsAsync(Reference.ForLayout(full), Context(new Core.Registry.RegistrySessions { DockerConfigPath = null }), CancellationToken.None)), t => t.StartsWith(prefix, StringComparison.Ordinal), t => $"{Reference.LayoutPrefix}{path}:{t}", CancellationToken.None, sort: false);
    }

    /// <summary>HOST/ for connected registries; HOST/REPOSITORY from the catalog; HOST/REPOSITORY:TAG from the tag list.</summary>
    private static IEnumerable<string> RegistryNames(string word)
    {
        var sessions = SessionRegistries.Current;
        var slash = word.IndexOf('/');
        if (slash < 0)
        {
            return sessions.Connected.Where(h => h.StartsWith(word, StringComparison.OrdinalIgnoreCase)).Select(h => h + "/").ToList();
        }

        var host = word.Substring(0, slash);
        if (!sessions.Connected.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            return Enumerable.Empty<string>(); // only registries the user signed in to are asked, never a guess
        }

        using var timeout = new CancellationTokenSource(RegistryPatience);
        var context = Context(sessions);
        var rest = word.Substring(slash + 1);
        var colon = rest.IndexOf(':');
        if (colon < 0)
        {
            return Collect(RegistryVerb.CatalogAsync(host, context, timeout.Token), r => r.StartsWith(rest, StringComparison.Ordinal), r => $"{host}/{r}", timeout.Token);
        }

        var repository = rest.Substring(0, colon);
        var tagPrefix = rest.Substring(colon + 1);
        return Collect(RegistryVerb.TagsAsync(host, repository, context, timeout.Token), t => t.StartsWith(tagPrefix, StringComparison.Ordinal), t => $"{host}/{repository}:{t}", timeout.Token);
    }

    private static async IAsyncEnumerable<string> TagNames(IAsyncEnumerable<Core.Stores.TaggedManifest> tagged)
    {
        await foreach (var one in tagged)
        {
            yield return one.Tag;
        }
    }

    private static StoreContext Context(Core.Registry.RegistrySessions sessions) => new(sessions, null, NullEngineLog.Instance);

    /// <summary>Reads a listing to the end or the suggestion limit, on this thread (a completer must answer synchronously); sorted unless the listing's own order is wanted.</summary>
    private static List<string> Collect(IAsyncEnumerable<string> items, Func<string, bool> keep, Func<string, string> shape, CancellationToken cancellationToken, bool sort = true)
    {
        return System.Threading.Tasks.Task.Run(async () =>
        {
            var found = new List<string>();
            await foreach (var item in items)
            {
                if (keep(item))
                {
                    found.Add(shape(item));
                    if (found.Count >= MaximumSuggestions)
                    {
                        break;
                    }
                }
            }

            if (sort)
            {
                found.Sort(StringComparer.Ordinal);
            }

            return found;
        }, cancellationToken).GetAwaiter().GetResult();
    }

    private static string Quote(string value) => value.IndexOfAny(new[] { ' ', '$', '`', '\'', '"', '@', '(', ')', '{', '}', ';', ',' }) >= 0 ? "'" + value.Replace("'", "''") + "'" : value;

    private static string CurrentLocation()
    {
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        return ps.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke<string>().FirstOrDefault() ?? Environment.CurrentDirectory;
    }
}
