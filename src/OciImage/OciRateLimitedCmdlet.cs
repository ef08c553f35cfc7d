using System.Management.Automation;
using OciImage.Core.Registry;

namespace OciImage;

/// <summary>
/// Base of the cmdlets that pull many manifests in one run (Copy-OciImage; a sync): -RateLimitReserve, and a
/// ledger of the invocation's requests that -Verbose shows at the end (requests by kind, retries, 429s and each
/// registry's remaining quota). The engine holds the reserve; the cmdlet only passes it on.
/// </summary>
public abstract class OciRateLimitedCmdlet : OciRegistryCmdlet
{
    protected OciRateLimitedCmdlet() => Ledger = new RequestLedger();

    /// <summary>
    /// Starts no manifest GET once a registry's remaining pull quota (its ratelimit-remaining header) is down to
    /// this; HEADs go on. Each image not copied for it is one RateLimitReserve error.
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? RateLimitReserve
    {
        get => Reserve;
        set => Reserve = value;
    }

    protected override void EndProcessing()
    {
        if (Ledger is { Requests: > 0 } ledger)
        {
            WriteVerbose("Registry requests: " + ledger);
        }

        base.EndProcessing();
    }
}
