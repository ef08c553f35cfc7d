using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage;

/// <summary>Where a composed image goes: a layout (created if needed) or a registry repository, and its tag.</summary>
internal static class ComposeTarget
{
    public static IImageStore Open(Reference destination, StoreContext context) => ImageStores.OpenForWrite(destination, context);

    public static void RequireTagOrLayout(Reference destination)
    {
        if (!destination.IsLocal && destination.Tag is null)
        {
            throw new InvalidReferenceException(destination.ToString(), "a registry destination needs a tag (REPOSITORY:TAG)");
        }
    }
}
