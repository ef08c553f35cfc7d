using System.Management.Automation;
using OciImage.Core.Registry;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Keeps credentials and transport settings for a registry for the rest of the session, after checking them.</summary>
[Cmdlet(VerbsCommunications.Connect, "OciRegistry", SupportsShouldProcess = true)]
[OutputType(typeof(OciRegistryConnection))]
public sealed class ConnectOciRegistryCommand : OciCmdlet
{
    /// <summary>
    /// The registry host[:port], such as ghcr.io or localhost:5000; with https:// or http:// in front, that scheme
    /// is used (a loopback registry without one is probed for TLS once per process).
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Registry { get; set; } = null!;

    /// <summary>The user name and password (or token) for the registry.</summary>
    [Parameter(Position = 1)]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>Allows plain HTTP (and any certificate) to this registry although it is not on this machine.</summary>
    [Parameter]
    public SwitchParameter AllowInsecure { get; set; }

    /// <summary>Uses TLS to this registry without checking its certificate. Dangerous.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Uploads blobs larger than this in chunks of this many bytes (for registries or proxies with a request size cap).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long ChunkSize { get; set; }

    /// <summary>Keeps the settings without first checking that the registry accepts them.</summary>
    [Parameter]
    public SwitchParameter SkipCheck { get; set; }

    /// <summary>Writes the connection that was kept.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Registry, () =>
        {
            var registry = RegistryName.Normalise(Registry);
            var scheme = RegistryName.SchemeOf(Registry);
            if (scheme == "http" && !AllowInsecure && !new HostPort(registry).IsLoopback)
            {
                throw new OciImage.Core.Errors.InvalidReferenceException(Registry, "plain http:// to a host off this machine needs -AllowInsecure");
            }
            if (SkipCertificateCheck)
            {
                WriteWarning($"-SkipCertificateCheck: the TLS certificate of {registry} will not be checked for the rest of this session.");
            }

            if (!ShouldProcess(registry, "Keep credentials and settings for this session"))
            {
                return;
            }

            var options = new RegistryOptions
            {
                Credential = Credential is null ? null : Shapes.ToRegistryCredential(Credential, "Connect-OciRegistry"),
                Scheme = scheme,
                AllowInsecure = AllowInsecure,
                SkipCertificateCheck = SkipCertificateCheck,
                ChunkSize = ChunkSize,
            };

            var credential = Credential;
            var sessions = SessionRegistries.Current;
            try
            {
                RunCore((messages, ct) => RegistryVerb.ConnectAsync(sessions, registry, options, !SkipCheck, messages, ct));
            }
            catch (Core.Errors.UnauthorizedException) when (credential is null && PromptForCredential(registry, $"The registry {registry} needs credentials: user name and password or token.") is { } answered)
            {
                // As docker login: no credential given or found, and the registry wants one: ask, then check again.
                credential = answered;
                options = options.WithCredential(Shapes.ToRegistryCredential(answered, "Connect-OciRegistry"));
                RunCore((messages, ct) => RegistryVerb.ConnectAsync(sessions, registry, options, !SkipCheck, messages, ct));
            }

            WriteVerbose($"Connected to {registry}{(credential is null ? " without credentials" : " as " + credential.UserName)}.");
            if (PassThru)
            {
                WriteObject(new OciRegistryConnection(registry, credential?.UserName, AllowInsecure, SkipCertificateCheck, ChunkSize));
            }
        });
    }
}
