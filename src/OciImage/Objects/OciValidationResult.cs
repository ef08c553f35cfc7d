using OciImage.Core;

namespace OciImage;

/// <summary>What Test-OciImage found.</summary>
public sealed class OciValidationResult
{
    public OciValidationResult(Reference reference, bool deep, string[] problems)
    {
        Reference = reference.ToString();
        Deep = deep;
        Problems = problems;
    }

    public string Reference { get; }

    public bool IsValid => Problems.Length == 0;

    /// <summary>True when layers were decompressed and their DiffIDs checked.</summary>
    public bool Deep { get; }

    public string[] Problems { get; }

    public override string ToString() => IsValid ? "valid" : string.Join("; ", Problems);
}
