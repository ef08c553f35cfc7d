using System;
using System.Threading;
using OciImage.Core.Layers;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>Building a reproducible layer from a directory, into a store (through the store contract) or a file.</summary>
public static class LayerVerb
{
    public static LayerBuildResult Build(NewLayerRequest request, IEngineLog log, IProgress<LayerBuildProgress>? progress, CancellationToken cancellationToken)
    {
        var options = request.ToOptions();
        if (request.LayoutReference is { } layout)
        {
            using var store = ImageStores.OpenForWrite(layout, LocalStores.Context(log));
            return LayerBuilder.BuildIntoStore(request.Source, options, store, cancellationToken, progress);
        }

        var target = request.Target;
        if (string.Equals(target, TempLayerFolder.Path, StringComparison.Ordinal))
        {
            TempLayerFolder.Sweep();
        }

        return LayerBuilder.BuildIntoDirectory(request.Source, options, target, cancellationToken, progress);
    }
}
