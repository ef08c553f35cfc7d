using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Analysis;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>Analysis as operations on references: measure one image (dive's figures, the merged file system), compare two.</summary>
public static class AnalyseVerb
{
    public static async Task<ImageAnalysis> MeasureAsync(Reference reference, Platform? platform, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        return await ImageAnalyzer.AnalyzeAsync(store, reference, platform, new AnalysisOptions(), context.Log, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<LayerDifference>> CompareLayersAsync(Reference reference, Reference difference, Platform? platform, StoreContext context, CancellationToken cancellationToken)
    {
        using var a = ImageStores.OpenForRead(reference, context);
        using var b = ImageStores.OpenForRead(difference, context);
        return await ImageComparer.CompareLayersAsync(a, reference, b, difference, platform, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<FileComparison> CompareFilesAsync(Reference reference, Reference difference, Platform? platform, PathFilter? filter, StoreContext context, CancellationToken cancellationToken)
    {
        using var a = ImageStores.OpenForRead(reference, context);
        using var b = ImageStores.OpenForRead(difference, context);
        return await ImageComparer.CompareFilesAsync(a, reference, b, difference, platform, filter, context.Log, cancellationToken).ConfigureAwait(false);
    }
}
