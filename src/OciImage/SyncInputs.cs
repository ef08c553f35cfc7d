using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Mirror;

namespace OciImage;

/// <summary>
/// What Sync-OciRepository reads besides its parameters: plan items piped back (live, from Import-Clixml or from
/// ConvertFrom-Json) and mapping files (.psd1 read as Import-PowerShellDataFile reads it: data only, no code run;
/// or .json). The rules are the engine's (<see cref="SyncPlanReader"/>, <see cref="SyncMappingReader"/>).
/// </summary>
internal static class SyncInputs
{
    public static SyncPlanItem PlanItem(PSObject input, int index) =>
        SyncPlanReader.FromProperties(name => Unwrap(input.Properties[name]?.Value), $"piped item {index}");

    public static IReadOnlyList<SyncMapping> MappingFile(string path, Func<string, Reference> resolve)
    {
        if (!path.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase))
        {
            return SyncMappingReader.ReadJson(path, resolve);
        }

        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundOciException(path);
        }

        if (new System.IO.FileInfo(path).Length > SyncMappingReader.MaxFileBytes)
        {
            throw new InvalidSyncMappingException(path, $"it is larger than {SyncMappingReader.MaxFileBytes / (1024 * 1024)} MiB");
        }

        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new InvalidSyncMappingException($"{path}, line {errors[0].Extent.StartLineNumber}", errors[0].Message.TrimEnd('.'));
        }

        // Import-PowerShellDataFile's rule: one hashtable, whose values are data (SafeGetValue refuses code).
        if (ast.Find(a => a is HashtableAst, false) is not HashtableAst top)
        {
            throw new InvalidSyncMappingException(path, "it holds no hashtable (@{ Mirrors = @( @{ Source = ...; Destination = ... } ) })");
        }

        var mirrors = top.KeyValuePairs.FirstOrDefault(p => string.Equals((p.Item1 as StringConstantExpressionAst)?.Value, "Mirrors", StringComparison.OrdinalIgnoreCase));
        if (mirrors is null)
        {
            throw new InvalidSyncMappingException($"{path}, line {top.Extent.StartLineNumber}", "it has no 'Mirrors' key");
        }

        var entries = mirrors.Item2.FindAll(a => a is HashtableAst, true).OfType<HashtableAst>().Where(h => Outermost(h, top)).ToList();
        var mappings = new List<SyncMapping>();
        foreach (var entry in entries)
        {
            var where = $"{path}, line {entry.Extent.StartLineNumber}";
            object value;
            try
            {
                value = entry.SafeGetValue();
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidSyncMappingException(where, ex.Message.TrimEnd('.'));
            }

            mappings.Add(SyncMappingReader.FromEntry((IDictionary)value, where, resolve));
        }

        return mappings;
    }

    /// <summary>A mapping's hashtable: the first one met inside Mirrors, not one nested in another mapping.</summary>
    private static bool Outermost(HashtableAst table, HashtableAst top)
    {
        for (var parent = table.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is HashtableAst owner)
            {
                return ReferenceEquals(owner, top);
            }
        }

        return false;
    }

    private static object? Unwrap(object? value) => value switch
    {
        PSObject wrapped => Unwrap(wrapped.BaseObject),
        ArrayList list => list.Cast<object?>().Select(Unwrap).ToList(),
        object[] array => array.Select(Unwrap).ToList(),
        _ => value,
    };

    /// <summary>How an item reads under -WhatIf and -Confirm.</summary>
    public static string Describe(SyncPlanItem item) => item.Action switch
    {
        SyncAction.Prune => $"Prune tag ({item.DestinationDigest}): {item.Reason}",
        _ => $"{item.Action} from {item.Source} ({item.SourceDigest}): {item.BlobsToCopy} of {item.Blobs} blobs, {SizeFormat.Human(item.Bytes)} to copy",
    };
}
