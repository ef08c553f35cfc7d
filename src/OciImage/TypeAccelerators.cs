using System;
using System.Collections.Generic;
using System.Management.Automation;
using OciImage.Core;

namespace OciImage;

/// <summary>
/// [OciDigest], [OciReference] and [OciPlatform] in scripts: '...' -as [OciDigest] parses a string. Registered
/// through PowerShell's type accelerator table on import, and removed again on Remove-Module.
/// </summary>
internal static class TypeAccelerators
{
    private static readonly Dictionary<string, Type> Ours = new()
    {
        ["OciDigest"] = typeof(Digest),
        ["OciReference"] = typeof(Reference),
        ["OciPlatform"] = typeof(Platform),
    };

    private static Type? Table => typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");

    public static void Register()
    {
        // A delegate rather than MethodInfo.Invoke: from the third call on, Invoke emits and fully optimises an
        // invoke stub, JIT work paid at every import (docs/PERFORMANCE.md, "Start-up").
        if (Table?.GetMethod("Add", new[] { typeof(string), typeof(Type) }) is not { } method)
        {
            return;
        }

        var add = (Action<string, Type>)Delegate.CreateDelegate(typeof(Action<string, Type>), method);
        foreach (var pair in Ours)
        {
            try
            {
                add(pair.Key, pair.Value);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
            {
                // Already there (another import of this module), or a host whose table refuses it: keep going.
            }
        }
    }

    public static void Unregister()
    {
        var remove = Table?.GetMethod("Remove", new[] { typeof(string) });
        foreach (var name in Ours.Keys)
        {
            remove?.Invoke(null, new object[] { name });
        }
    }
}
