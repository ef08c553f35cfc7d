using System;
using System.Management.Automation;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage;

/// <summary>
/// Base of the cmdlets that can reach a registry: the parameters that say how (credential, insecure transport,
/// retries), overlaid on what Connect-OciRegistry keeps for the session.
/// </summary>
public abstract class OciRegistryCmdlet : OciCmdlet
{
    /// <summary>Credentials for the registry, for this call only (Connect-OciRegistry keeps them for the session).</summary>
    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>Allows plain HTTP (and any certificate) to a registry that is not on this machine.</summary>
    [Parameter]
    public SwitchParameter AllowInsecure { get; set; }

    /// <summary>Uses TLS without checking the registry's certificate. Dangerous: prefer trusting its CA.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>How many times to retry a request after a connection failure, 429 or 5xx (default 4).</summary>
    [Parameter]
    [ValidateRange(0, 20)]
    public int MaximumRetryCount { get; set; } = 4;

    /// <summary>The first wait between retries, in seconds, doubled each time unless Retry-After says (default 1).</summary>
    [Parameter]
    [ValidateRange(0, 600)]
    public double RetryIntervalSec { get; set; } = 1;

    /// <summary>This session's registries, taken on the pipeline thread (engine work runs where no runspace is current).</summary>
    protected RegistrySessions Sessions { get; private set; } = null!;

    protected override void BeginProcessing()
    {
        Sessions = SessionRegistries.Current;
        if (SkipCertificateCheck)
        {
            WriteWarning("-SkipCertificateCheck: the registry's TLS certificate is not checked, so a machine in the middle can read and change what is sent, credentials included.");
        }

        base.BeginProcessing();
    }

    /// <summary>The context engine calls open stores with: this session's registries and this call's settings.</summary>
    private protected StoreContext StoreContext(EngineMessages messages) => new(Sessions, CallOptions(), messages);

    protected RegistryOptions CallOptions() => new()
    {
        Credential = Credential is null ? null : ToRegistryCredential(Credential),
        AllowInsecure = AllowInsecure,
        SkipCertificateCheck = SkipCertificateCheck,
        MaximumRetryCount = MaximumRetryCount,
        RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec),
        Ledger = Ledger,
        RateLimitReserve = Reserve,
    };

    /// <summary>Where this invocation's requests are counted, for a cmdlet that reports them (<see cref="OciRateLimitedCmdlet"/>).</summary>
    private protected RequestLedger? Ledger { get; init; }

    /// <summary>The quota left unspent at each registry (-RateLimitReserve), where a cmdlet has the parameter.</summary>
    private protected int? Reserve { get; set; }

    protected static RegistryCredential ToRegistryCredential(PSCredential credential) => Shapes.ToRegistryCredential(credential, "-Credential");
}
