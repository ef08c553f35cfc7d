using OciImage.Core;
using OciImage.Core.Errors;

namespace OciImage;

/// <summary>Where a composed image or index goes: a layout (created if needed), or a registry repository with a tag.</summary>
internal static class ComposeTarget
{
    public static void RequireTagOrLayout(Reference destination)
    {
        if (!destination.IsLocal && destination.Tag is null)
        {
            throw new InvalidReferenceException(destination.ToString(), "a registry destination needs a tag (REPOSITORY:TAG)");
        }
    }
}
