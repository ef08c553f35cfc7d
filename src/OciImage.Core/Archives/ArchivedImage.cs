using System.Collections.Generic;
using OciImage.Core.Model;

namespace OciImage.Core.Archives;

/// <summary>One image an archive holds: its manifest (or index) and the names the archive gives it (RepoTags, index.json names).</summary>
internal sealed class ArchivedImage
{
    public ArchivedImage(Descriptor manifest, IReadOnlyList<string> names)
    {
        Manifest = manifest;
        Names = names;
    }

    public Descriptor Manifest { get; }

    public IReadOnlyList<string> Names { get; }

    public override string ToString() => Names.Count == 0 ? Manifest.Digest.ToString() : string.Join(", ", Names);
}
