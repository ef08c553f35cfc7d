using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using OciImage.Core.Registry;

namespace OciImage;

/// <summary>
/// The registry settings of each PowerShell session (runspace): what Connect-OciRegistry keeps lives as long as
/// the session, and two sessions in one process never see each other's credentials.
/// </summary>
internal static class SessionRegistries
{
    private static readonly ConditionalWeakTable<Runspace, RegistrySessions> Sessions = new();
    /// <summary>Call on the pipeline thread only: engine threads have no current runspace.</summary>
    public static RegistrySessions Current =>
        Runspace.DefaultRunspace is { } runspace
            ? Sessions.GetValue(runspace, _ => new RegistrySessions())
            : throw new System.InvalidOperationException("No PowerShell session is current on this thread.");
}
