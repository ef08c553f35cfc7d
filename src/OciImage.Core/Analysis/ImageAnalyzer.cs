using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Analysis;

/// <summary>
/// The analysis verb: one streaming pass over an image's layers (each tar read once, entries only), the layers
/// fetched and decompressed in parallel and applied in order to dive's efficiency and to the merged file system.
/// Any store: registry, layout, or an archive imported as a layout. Nothing is reported unless every layer was
/// read to its end and verified.
/// </summary>
internal static class ImageAnalyzer
{
    public static async Task<ImageAnalysis> AnalyzeAsync(IImageStore store, Reference reference, Platform? platform, AnalysisOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        var (image, config) = await ResolveAsync(store, reference, platform, cancellationToken).ConfigureAwait(false);
        var manifest = image.Image!;
        log.Verbose($"Analysing {image.Reference}: {manifest.Layers.Count} layers, {options.Concurrency} at a time.");
        var scanned = await ScanAllAsync(store, manifest, options, log, cancellationToken).ConfigureAwait(false);

        var efficiency = new DiveEfficiency();
        var fileSystem = new MergedFileSystem();
        var history = config.LayerHistory();
        var diffIds = config.RootFs.DiffIds;
        var layers = new List<LayerAnalysis>(scanned.Count);
        foreach (var layer in scanned)
        {
            efficiency.Add(layer);
            var changes = fileSystem.Apply(layer);
            var i = layer.Index;
            layers.Add(new LayerAnalysis(i, layer.Descriptor, i < diffIds.Count ? diffIds[i] : null,
                i < history.Count ? history[i]?.CreatedBy : null, layer.HeaderSize, changes));
        }

        foreach (var note in efficiency.Notes)
        {
            log.Warning(note);
        }

        return new ImageAnalysis(image.Reference, manifest, config, layers, efficiency, fileSystem);
    }

    /// <summary>Resolves a reference to one container image and reads its config; an artifact is NotAnImage.</summary>
    public static async Task<(ResolvedImage Image, ImageConfig Config)> ResolveAsync(IImageStore store, Reference reference, Platform? platform, CancellationToken cancellationToken)
    {
        var image = await ImageReader.ResolveImageAsync(store, reference, platform, cancellationToken).ConfigureAwait(false);
        var manifest = image.Image ?? throw new NotAnImageException(image.Reference.ToString(), image.Descriptor.MediaType) { Target = image.Reference };
        if (!MediaTypes.IsImageConfig(manifest.Config.MediaType))
        {
            throw new NotAnImageException(image.Reference.ToString(), manifest.Config.MediaType) { Target = image.Reference };
        }

        var config = await ImageReader.GetConfigAsync(store, manifest, cancellationToken).ConfigureAwait(false);
        return (image, config);
    }

    /// <summary>
    /// Reads every layer, several at once, the largest first (a big layer started last would run alone at the end
    /// while the other cores wait); the first real failure cancels the rest and is thrown. The result is in layer order.
    /// </summary>
    internal static async Task<IReadOnlyList<ScannedLayer>> ScanAllAsync(IImageStore store, ImageManifest manifest, AnalysisOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        ZstdDecoders.Log(log, manifest.Layers);
        options.PathMemory.WarnIfIgnored(log);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(Math.Max(1, options.Concurrency));
        var byIndex = new Task<ScannedLayer>[manifest.Layers.Count];
        var tasks = new List<Task<ScannedLayer>>(byIndex.Length);
        try
        {
            foreach (var index in LargestFirst(manifest.Layers))
            {
                // Started in this order only when a slot is free, so the thread pool cannot reorder them.
                await gate.WaitAsync(failed.Token).ConfigureAwait(false);
                var descriptor = manifest.Layers[index];
                var task = Task.Run(async () =>
                {
                    try
                    {
                        var layer = await LayerScanner.ScanAsync(store, index, descriptor, options.HashContent, failed.Token, options.PathMemory).ConfigureAwait(false);
                        log.Verbose($"Read layer {index} ({descriptor.Digest}): {layer.Entries.Count} entries, {layer.HeaderSize} bytes in its tar headers.");
                        return layer;
                    }
                    catch
                    {
                        failed.Cancel();
                        throw;
                    }
                    finally
                    {
                        gate.Release();
                    }
                });
                byIndex[index] = task;
                tasks.Add(task);
            }
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            // A layer failed, or the caller cancelled: none is started any more; the started ones tell which below.
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }

            throw;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return byIndex.Select(t => t.Result).ToList();
    }

    /// <summary>Layer indexes by descending size (ties in layer order).</summary>
    internal static IEnumerable<int> LargestFirst(IReadOnlyList<Descriptor> layers) =>
        Enumerable.Range(0, layers.Count).OrderByDescending(i => layers[i].Size).ThenBy(i => i);
}
