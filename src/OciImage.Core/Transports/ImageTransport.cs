using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Stores;

namespace OciImage.Core.Transports;

/// <summary>
/// One way to name and reach images (skopeo's "transport"): the prefix a reference starts with, how the text
/// after it is read, and which store serves it. Every transport is registered in <see cref="TransportTable"/>;
/// nothing else knows the list.
/// </summary>
public abstract class ImageTransport
{
    protected ImageTransport(string name)
    {
        Name = name;
    }

    /// <summary>skopeo's name for it: oci, oci-archive, docker-archive, docker.</summary>
    public string Name { get; }

    /// <summary>What a reference starts with to name this transport.</summary>
    public virtual string Prefix => Name + ":";

    /// <summary>True when a reference names a file or directory on this machine (in <see cref="Reference.LayoutPath"/>).</summary>
    public abstract bool NamesAPath { get; }

    /// <summary>Reads the text after the prefix; <paramref name="original"/> is the whole text, for messages.</summary>
    public abstract Reference Parse(string original, string rest);

    /// <summary>As <see cref="Parse(string, string)"/>, a path read by <paramref name="paths"/> (path transports only).</summary>
    public virtual Reference Parse(string original, string rest, PathSemantics paths) => Parse(original, rest);

    /// <summary>The reference without tag or digest, as shown and parsed back.</summary>
    public virtual string NameOf(Reference reference) =>
        Prefix + (NamesAPath ? reference.LayoutPath : reference.Registry + "/" + reference.Repository);

    /// <summary>Opens an existing image source (no request is sent until one is needed).</summary>
    public abstract IImageStore OpenForRead(Reference reference, StoreContext context);

    /// <summary>Opens a store to write into, made when missing.</summary>
    public abstract IImageStore OpenForWrite(Reference reference, StoreContext context);

    /// <summary>Opens a store that must exist, to change it (tag, untag, delete, rebuild).</summary>
    public virtual IImageStore OpenForUpdate(Reference reference, StoreContext context) => OpenForWrite(reference, context);

    /// <summary>
    /// Names this transport can offer for completion after its prefix (a daemon's images, say), or none. Asked
    /// only for transports that name no path; it must answer quickly or honour the token.
    /// </summary>
    public virtual IAsyncEnumerable<string> CompleteNamesAsync(string partial, StoreContext context, CancellationToken cancellationToken) => NoNames();

    public override string ToString() => Name;

    private static async IAsyncEnumerable<string> NoNames()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}
