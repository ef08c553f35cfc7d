using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OciImage.TestKit;

namespace OciImage.Module.Tests;

/// <summary>What a script run produced on each stream.</summary>
public sealed record ScriptResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Verbose,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string>? Debug = null,
    IReadOnlyList<string>? Information = null,
    IReadOnlyList<string>? Progress = null)
{
    /// <summary>All stream text together, for asserting what must never appear anywhere.</summary>
    public string AllText => string.Join("\n", Output.Select(o => o?.ToString()).Concat(Errors.Select(e => e.ToString())).Concat(Verbose).Concat(Warnings));

    /// <summary>
    /// Everything a user could see, for asserting that a secret appears nowhere: each output object serialised
    /// whole (every property, nested to depth 5), all six streams (Progress, Debug and Information included), and
    /// each error with its exception and every inner exception (ToString, so messages, types and data).
    /// </summary>
    public string Everything
    {
        get
        {
            var text = new System.Text.StringBuilder();
            foreach (var item in Output)
            {
                Serialise(item, 0, text, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }

            foreach (var error in Errors)
            {
                text.Append(error).Append('\n').Append(error.FullyQualifiedErrorId).Append('\n').Append(error.ErrorDetails?.Message).Append('\n')
                    .Append(error.CategoryInfo).Append('\n').Append(error.TargetObject).Append('\n').Append(error.Exception).Append('\n');
                for (var inner = error.Exception?.InnerException; inner is not null; inner = inner.InnerException)
                {
                    text.Append(inner).Append('\n');
                }
            }

            foreach (var stream in new[] { Verbose, Warnings, Debug, Information, Progress })
            {
                text.AppendJoin('\n', stream ?? Array.Empty<string>()).Append('\n');
            }

            return text.ToString();
        }
    }

    private static void Serialise(object? value, int depth, System.Text.StringBuilder text, HashSet<object> seen)
    {
        if (value is null)
        {
            return;
        }

        var bare = value is PSObject wrapped ? wrapped.BaseObject : value;
        text.Append(bare).Append('\n');
        if (depth >= 5 || bare is string || bare.GetType().IsPrimitive || bare is Type || bare is System.Reflection.MemberInfo || bare is System.Reflection.Assembly || !seen.Add(bare))
        {
            return;
        }

        if (bare is System.Collections.IEnumerable items && bare is not System.Collections.IDictionary)
        {
            foreach (var item in items.Cast<object?>().Take(1000))
            {
                Serialise(item, depth + 1, text, seen);
            }

            return;
        }

        foreach (var property in PSObject.AsPSObject(value).Properties)
        {
            object? got;
            try
            {
                got = property.Value;
            }
            catch (Exception)
            {
                continue;
            }

            text.Append(property.Name).Append(": ");
            Serialise(got, depth + 1, text, seen);
        }
    }
}

/// <summary>
/// Hosts the real PowerShell 7.6 engine in-process, imports the built module from out/OciImage (exactly the
/// folder users get) and runs script text against it, one fresh runspace per host.
/// </summary>
public sealed class PowerShellHost : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellHost(string? workingDirectory = null)
    {
        var state = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        var import = Run($"Import-Module '{RepoPaths.ModuleFolder}' -ErrorAction Stop");
        if (import.Errors.Count > 0)
        {
            throw new InvalidOperationException("Import-Module failed: " + import.Errors[0]);
        }

        if (workingDirectory is not null)
        {
            // Set-Location lives in a module this engine lacks; the session state API is what it calls.
            RunClean($"$null = $ExecutionContext.SessionState.Path.SetLocation('{workingDirectory}')");
        }
    }

    /// <summary>Runs script text; terminating errors are caught and reported like non-terminating ones.</summary>
    public ScriptResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        if (variables is not null)
        {
            foreach (var pair in variables)
            {
                _runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            }
        }

        ps.AddScript(script);
        var errors = new List<ErrorRecord>();
        List<PSObject> output;
        try
        {
            output = ps.Invoke().ToList();
        }
        catch (RuntimeException ex)
        {
            output = new List<PSObject>();
            errors.Add(ex.ErrorRecord);
        }

        errors.InsertRange(0, ps.Streams.Error);
        return new ScriptResult(
            output,
            errors,
            ps.Streams.Verbose.Select(v => v.Message).ToList(),
            ps.Streams.Warning.Select(w => w.Message).ToList(),
            ps.Streams.Debug.Select(d => d.Message).ToList(),
            ps.Streams.Information.Select(i => i.MessageData + " " + string.Join(" ", i.Tags) + " " + i.Source).ToList(),
            ps.Streams.Progress.Select(p => $"{p.Activity} {p.StatusDescription} {p.CurrentOperation}").ToList());
    }

    /// <summary>Runs script text and fails with the first error's text when any error was written.</summary>
    public IReadOnlyList<PSObject> RunClean(string script, IDictionary<string, object?>? variables = null)
    {
        var result = Run(script, variables);
        if (result.Errors.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("The script wrote errors: " + string.Join("\n", result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        }

        return result.Output;
    }

    public void Dispose() => _runspace.Dispose();
}
