using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
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

    /// <summary>The daemon's image names (RepoTags) that start with what was typed.</summary>
    public override async IAsyncEnumerable<string> CompleteNamesAsync(string partial, StoreContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = new DockerDaemonClient(DaemonLocator.Locate(), context.Log);
        foreach (var listed in await client.ImageNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            // As the docker CLI shows them: docker.io/library/alpine:3 is alpine:3 (podman lists the long form).
            var name = listed.StartsWith(Reference.DockerHub + "/library/", StringComparison.Ordinal) ? listed.Substring(Reference.DockerHub.Length + 9)
                : listed.StartsWith(Reference.DockerHub + "/", StringComparison.Ordinal) ? listed.Substring(Reference.DockerHub.Length + 1)
                : listed;
            // podman keeps a short name loaded as localhost/NAME: offer it for NAME typed too.
            if (name.StartsWith(partial, StringComparison.Ordinal)
                || (name.StartsWith("localhost/", StringComparison.Ordinal) && name.Substring("localhost/".Length).StartsWith(partial, StringComparison.Ordinal)))
            {
                yield return name;
            }
        }
    }

    /// <summary>The name as the docker CLI writes it: docker.io/library/ shortened, then :TAG or @DIGEST.</summary>
    internal static string ImageName(Reference reference) =>
        ShortName(reference) + (reference.Digest is { } digest ? "@" + digest : ":" + (reference.Tag ?? "latest"));

    private static string ShortName(Reference reference)
    {
        var name = reference.Registry + "/" + reference.Repository;
        const string hub = Reference.DockerHub + "/";
        if (name.StartsWith(hub, StringComparison.Ordinal))
        {
            name = name.Substring(hub.Length);
            name = name.StartsWith("library/", StringComparison.Ordinal) ? name.Substring("library/".Length) : name;
        }

        return name;
    }

    private static DockerDaemonStore Open(Reference reference, StoreContext context, bool writing)
    {
        var client = new DockerDaemonClient(DaemonLocator.Locate(), context.Log);
        return new DockerDaemonStore(new DockerDaemonMedium(client, ImageName(reference), reference, writing), reference, writing, context.Log);
    }
}
