using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Analysis;
using OciImage.Core.Images;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>Checking an image: its integrity (digests, sizes, media types; with deep, DiffIDs), or dive's efficiency rules.</summary>
public static class TestVerb
{
    /// <summary>The problems found in the image or index a reference names; none when it is sound.</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(Reference reference, bool deep, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        return await ImageValidator.ValidateAsync(store, reference, deep, context.Log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The image's analysis and the rules it breaks (none when it passes).</summary>
    public static async Task<(ImageAnalysis Analysis, IReadOnlyList<string> Failures)> EfficiencyAsync(Reference reference, Platform? platform, EfficiencyRules rules, StoreContext context, CancellationToken cancellationToken)
    {
        var analysis = await AnalyseVerb.MeasureAsync(reference, platform, context, cancellationToken).ConfigureAwait(false);
        return (analysis, rules.Evaluate(analysis));
    }

    /// <summary>Whether each image's recorded base is still what its name gives (Test-OciImage -BaseCurrent).</summary>
    public static Task<IReadOnlyList<Base.BaseStatus>> BaseCurrentAsync(Reference reference, IReadOnlyList<Platform>? platforms, StoreContext context, CancellationToken cancellationToken) =>
        BaseVerb.CheckAsync(reference, platforms, context, cancellationToken);
}
