using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using OciImage.Core.Archives;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;

namespace OciImage.Core.Tests;

/// <summary>
/// Runs each JSON reader of the module on a document, the way the module reads it (files where it reads files),
/// and uses what it returns as callers do, so a null let through shows as the exception it would cause.
/// </summary>
public sealed class JsonReaders : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _layout;
    private readonly string _archive;
    private int _runs;

    public JsonReaders()
    {
        _layout = _temp.Combine("layout");
        using (OciLayoutStore.OpenOrCreate(_layout))
        {
        }

        // A docker-save folder whose manifest.json each input replaces: one layer and its config.
        _archive = _temp.Combine("archive");
        Directory.CreateDirectory(_archive);
        var layer = new HostileTar().File("a", "b").ToArray();
        File.WriteAllBytes(Path.Combine(_archive, "layer.tar"), layer);
        File.WriteAllText(Path.Combine(_archive, "config.json"), $$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["{{{Digest.Compute(layer)}}}"]}}""");
    }

    /// <summary>Warnings the readers gave (a wrong docker config or helper answer is one).</summary>
    public RecordingLog Log { get; } = new();

    /// <summary>Reads the document; returns normally when it was read (or ignored with a warning), else throws what the reader threw.</summary>
    public void Read(JsonDocumentKind kind, byte[] json)
    {
        switch (kind)
        {
            case JsonDocumentKind.Manifest:
            case JsonDocumentKind.Index:
                Use(ManifestParser.Parse(json, null, "fuzz"));
                break;
            case JsonDocumentKind.Config:
                var config = ImageConfig.Parse(json, "fuzz");
                _ = config.Platform.ToString() + config.LayerHistory().Count + config.RootFs.DiffIds.Sum(d => d.ToString().Length)
                    + (config.Config?.Env?.Sum(e => e.Length) ?? 0) + (config.Config?.Labels?.Sum(l => l.Value.Length) ?? 0)
                    + (config.History?.Sum(h => h.CreatedBy?.Length ?? 0) ?? 0);
                break;
            case JsonDocumentKind.LayoutIndex:
                var index = LayoutIndex.Parse(json, "fuzz");
                _ = index.Manifests.Sum(m => (m.RefName?.Length ?? 0) + m.MediaType.Length + m.Digest.ToString().Length + (m.Platform?.ToString().Length ?? 0));
                index.Add(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(json), Size = json.Length }, "t").ToBytes();
                break;
            case JsonDocumentKind.LayoutFile:
                File.WriteAllBytes(Path.Combine(_layout, "oci-layout"), json);
                OciLayoutStore.Open(_layout).ReadIndex();
                break;
            case JsonDocumentKind.DockerConfig:
                var path = _temp.Combine("config.json");
                File.WriteAllBytes(path, json);
                _ = new DockerConfigCredentials(path, Log).Find("registry.example", "team/app")?.UserName.Length;
                break;
            case JsonDocumentKind.HelperAnswer:
                if (OciJson.TryRead<CredentialHelperAnswer>(json, out var answer, out var problem))
                {
                    _ = (answer!.Username?.Length ?? 0) + (answer.Secret?.Length ?? 0);
                }
                else
                {
                    Log.Warning(problem!);
                }

                break;
            case JsonDocumentKind.TokenAnswer:
                var token = TokenAnswer.Parse(json, (reason, inner) => new UnauthorizedException("registry.example", reason));
                _ = (token.Value?.Length ?? 0) + token.Lifetime.Ticks;
                break;
            case JsonDocumentKind.RegistryErrorBody:
                using (var response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new ByteArrayContent(json) })
                {
                    RegistryResponses.EnsureSuccessAsync(response, "registry.example", "fuzz", default).GetAwaiter().GetResult();
                }

                throw new InvalidOperationException("an error answer was taken for success");
            case JsonDocumentKind.DockerArchiveManifest:
                File.WriteAllBytes(Path.Combine(_archive, "manifest.json"), json);
                var work = _temp.Combine("work-" + _runs++);
                try
                {
                    var (_, images) = ArchiveReader.ReadAsync(_archive, work, "fuzz.tar", default).GetAwaiter().GetResult();
                    _ = images.Sum(i => i.Names.Sum(n => n.Length) + i.Manifest.Digest.ToString().Length);
                }
                finally
                {
                    if (Directory.Exists(work))
                    {
                        Directory.Delete(work, recursive: true);
                    }
                }

                break;
            case JsonDocumentKind.NameList:
                var list = OciJson.Read<NameList>(json, (reason, inner) => new InvalidManifestException("fuzz", reason, inner));
                _ = (list.Tags?.Sum(t => t!.Length) ?? 0) + (list.Repositories?.Sum(r => r!.Length) ?? 0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    public void Dispose() => _temp.Dispose();

    private static void Use(Manifest manifest)
    {
        _ = (manifest.Subject?.ToString().Length ?? 0) + (manifest.Annotations?.Sum(a => a.Value.Length) ?? 0);
        switch (manifest)
        {
            case ImageManifest image:
                _ = image.Config.ToString() + image.Layers.Sum(l => l.ToString().Length + (l.Urls?.Sum(u => u.Length) ?? 0) + (l.Annotations?.Sum(a => a.Value.Length) ?? 0));
                break;
            case ImageIndex index:
                _ = index.Platforms().Count + index.Manifests.Sum(m => m.ToString().Length + (m.RefName?.Length ?? 0) + (m.Platform?.OSFeatures?.Sum(f => f.Length) ?? 0));
                break;
        }
    }
}
