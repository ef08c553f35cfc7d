using OciImage.Core.Layout;
using OciImage.Core.Stores;

namespace OciImage.Core.Transports;

/// <summary><c>oci:PATH[:NAME][@DIGEST]</c>: an OCI image layout directory.</summary>
internal sealed class LayoutTransport : ImageTransport
{
    internal LayoutTransport()
        : base("oci")
    {
    }

    public override bool NamesAPath => true;

    public override Reference Parse(string original, string rest) => Parse(original, rest, PathSemantics.Current);

    public override Reference Parse(string original, string rest, PathSemantics paths) => Reference.ParsePathForm(this, original, rest, paths);

    public override IImageStore OpenForRead(Reference reference, StoreContext context) => OciLayoutStore.Open(reference.LayoutPath!);

    public override IImageStore OpenForWrite(Reference reference, StoreContext context) => OciLayoutStore.OpenOrCreate(reference.LayoutPath!);

    /// <summary>A missing layout is LayoutNotFound, not created.</summary>
    public override IImageStore OpenForUpdate(Reference reference, StoreContext context) => OciLayoutStore.Open(reference.LayoutPath!);
}
