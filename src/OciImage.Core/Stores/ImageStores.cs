using OciImage.Core.Errors;

namespace OciImage.Core.Stores;

/// <summary>Opens the store a reference points at.</summary>
public static class ImageStores
{
    /// <summary>Opens an existing store to read from.</summary>
    public static IImageStore OpenForRead(Reference reference)
    {
        if (reference.IsLayout)
        {
            return OciLayoutStore.Open(reference.LayoutPath!);
        }

        throw new TransportNotAvailableException(reference.ToString());
    }
}
