using OciImage.Core.Layers;

namespace OciImage.Core.Verbs;

/// <summary>One entry of a layer and where it is: the layer's position in the image and its digest (none for a layer file).</summary>
public sealed class LayerItemAt
{
    public LayerItemAt(LayerItem item, int layerIndex, Digest? layerDigest)
    {
        Item = item;
        LayerIndex = layerIndex;
        LayerDigest = layerDigest;
    }

    public LayerItem Item { get; }

    public int LayerIndex { get; }

    public Digest? LayerDigest { get; }
}
