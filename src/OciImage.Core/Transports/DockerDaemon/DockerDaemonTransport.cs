using OciImage.Core.Stores;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// <c>docker-daemon:NAME[:TAG]</c> or <c>docker-daemon:NAME@sha256:…</c> (skopeo's docker-daemon): an image
/// of the local Docker Engine (or any daemon with its API, such as podman's service), found as the docker CLI
/// finds it (DOCKER_HOST, the current context, the default socket or pipe).
/// </summary>
internal sealed class DockerDaemonTransport : ImageTransport
{
    internal DockerDaemonTransport()
        : base("docker-daemon")
    {
    }

    public override bool NamesAPath => false;

    public override Reference Parse(string original, string rest) => Reference.ParseRegistryForm(this, original, rest);

    public override string NameOf(Reference reference) => Prefix + ShortName(reference);

    public override IImageStore OpenForRead(Reference reference, StoreContext context) => Open(reference, context, writing: false);

    public override IImageStore OpenForWrite(Reference reference, StoreContext context) => Open(reference, context, writing: true);

    /// <summary>The name as the docker CLI writes it: docker.io/library/ shortened, then :TAG or @DIGEST.</summary>
    internal static string ImageName(Reference reference) =>
        ShortName(reference) + (reference.Digest is { } digest ? "@" + digest : ":" + (reference.Tag ?? "latest"));

    private static string ShortName(Reference reference)
    {
        var name = reference.Registry + "/" + reference.Repository;
        const string hub = Reference.DockerHub + "/";
        if (name.StartsWith(hub, System.StringComparison.Ordinal))
        {
            name = name.Substring(hub.Length);
            name = name.StartsWith("library/", System.StringComparison.Ordinal) ? name.Substring("library/".Length) : name;
        }

        return name;
    }

    private static DockerDaemonStore Open(Reference reference, StoreContext context, bool writing)
    {
        var client = new DockerDaemonClient(DaemonLocator.Locate(), context.Log);
        return new DockerDaemonStore(new DockerDaemonMedium(client, ImageName(reference), reference, writing), reference, writing, context.Log);
    }
}
