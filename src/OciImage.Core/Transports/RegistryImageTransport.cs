using OciImage.Core.Registry;
using OciImage.Core.Stores;

namespace OciImage.Core.Transports;

/// <summary>
/// <c>[docker://][REGISTRY/]REPOSITORY[:TAG][@DIGEST]</c>: a registry repository, the transport of text with no
/// other prefix. Shown without a prefix.
/// </summary>
internal sealed class RegistryImageTransport : ImageTransport
{
    internal RegistryImageTransport()
        : base("docker")
    {
    }

    public override string Prefix => "docker://";

    public override bool NamesAPath => false;

    public override Reference Parse(string original, string rest) => Reference.ParseRegistryForm(this, original, rest);

    public override string NameOf(Reference reference) => reference.Registry + "/" + reference.Repository;

    public override IImageStore OpenForRead(Reference reference, StoreContext context) => Open(reference, context);

    public override IImageStore OpenForWrite(Reference reference, StoreContext context) => Open(reference, context);

    /// <summary>No request is sent until one is needed.</summary>
    public static RegistryStore Open(Reference reference, StoreContext context) =>
        new RegistryClient(reference.Registry!, context.Sessions, context.Overrides, context.Log).Repository(reference.Repository!);
}
