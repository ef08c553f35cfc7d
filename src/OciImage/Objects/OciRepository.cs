namespace OciImage;

/// <summary>A repository of a registry, as Get-OciRepository lists it; pipes into Get-OciTag.</summary>
public sealed class OciRepository
{
    public OciRepository(string registry, string name)
    {
        Registry = registry;
        Name = name;
        Reference = Core.Reference.Parse(registry + "/" + name).ToString();
    }

    public string Registry { get; }

    public string Name { get; }

    /// <summary>REGISTRY/REPOSITORY: pipes into Get-OciTag.</summary>
    public string Reference { get; }

    public override string ToString() => Reference;
}
