using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Forgets the credentials, settings and tokens kept for a registry in this session.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "OciRegistry", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class DisconnectOciRegistryCommand : OciCmdlet
{
    /// <summary>The registry host[:port] to forget.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Registry { get; set; } = null!;

    protected override void ProcessRecord()
    {
        foreach (var text in Registry)
        {
            ForEachInput(text, () =>
            {
                var registry = RegistryName.Normalise(text);
                if (ShouldProcess(registry, "Forget credentials, settings and tokens"))
                {
                    if (!RegistryVerb.Disconnect(SessionRegistries.Current, registry))
                    {
                        WriteVerbose($"{registry} was not connected; its cached tokens, if any, were dropped.");
                    }
                }
            });
        }
    }
}
