namespace OciImage.Core.Transports;

/// <summary>A tar file that holds images, named <c>PREFIX:PATH[:NAME][@DIGEST]</c>; written whole on commit.</summary>
internal abstract class ArchiveTransport : ImageTransport
{
    protected ArchiveTransport(string name)
        : base(name)
    {
    }

    public override bool NamesAPath => true;

    public override Reference Parse(string original, string rest) => Parse(original, rest, PathSemantics.Current);

    public override Reference Parse(string original, string rest, PathSemantics paths) => Reference.ParsePathForm(this, original, rest, paths);
}
