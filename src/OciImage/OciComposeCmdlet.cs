using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Images;
using OciImage.Core.Verbs;

namespace OciImage;

/// <summary>Base of the cmdlets that write an image config: the parameters of a Dockerfile's metadata lines.</summary>
public abstract class OciComposeCmdlet : OciRegistryCmdlet
{
    /// <summary>The program to run (ENTRYPOINT), as an array of words.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? Entrypoint { get; set; }

    /// <summary>The default arguments (CMD), as an array of words.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? Command { get; set; }

    /// <summary>Environment variables to set (a $null value removes one), merged into the base's.</summary>
    [Parameter]
    public Hashtable? Environment { get; set; }

    /// <summary>The working directory (WORKDIR).</summary>
    [Parameter]
    public string? WorkingDirectory { get; set; }

    /// <summary>The user to run as (USER), such as 1000 or app:app.</summary>
    [Parameter]
    public string? User { get; set; }

    /// <summary>Labels to set (a $null value removes one), merged into the base's.</summary>
    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>Ports to expose, such as 8080 or 53/udp.</summary>
    [Parameter]
    public string[]? ExposedPort { get; set; }

    /// <summary>Volumes to declare, such as /data.</summary>
    [Parameter]
    public string[]? Volume { get; set; }

    /// <summary>The signal that stops the container, such as SIGTERM.</summary>
    [Parameter]
    public string? StopSignal { get; set; }

    /// <summary>Annotations on the manifest (and on the index, for an index); a $null value removes one when an image is changed.</summary>
    [Parameter]
    public Hashtable? Annotation { get; set; }

    /// <summary>The config's created time and history times (default: $env:SOURCE_DATE_EPOCH, else 1970-01-01).</summary>
    [Parameter]
    public DateTime? Created { get; set; }

    /// <summary>The history line (created_by) for this change.</summary>
    [Parameter]
    public string? History { get; set; }

    /// <summary>
    /// Rebuilds the image a reference names with itself as base (plus layers, config changes and annotation edits),
    /// in the same store, and moves the tag (or sets -Tag) to the result: what Add-OciLayer and Set-OciImageConfig
    /// do. Given an index, every image in it (or those of -Platform) is rebuilt and a new index written.
    /// </summary>
    protected void Mutate(string referenceText, string? newTag, string[]? platformTexts, IReadOnlyList<object> layerInputs)
    {
        ForEachInput(referenceText, () =>
        {
            var target = ImageChangeTarget.For(ResolveReference(referenceText), referenceText, newTag, platformTexts);
            var request = ConfigRequest(null);
            var edits = HashtableParameter.Strings(Annotation, "Annotation");
            var inputs = layerInputs.Select(LayerInput.From).ToList();
            if (!ShouldProcess(target.Destination.ToString(), $"Write a new image (each image of an index) based on {target.Source} and point the tag at it"))
            {
                return;
            }

            var change = RunCore((messages, ct) => ComposeVerb.RebuildAsync(target.Source, target.Tag, target.Platforms, inputs, request, edits, StoreContext(messages), ct));
            WriteChange(change);
        });
    }

    /// <summary>A single image as the OciManifest it always gave; an index as an OciImageChange that says what happened to each image.</summary>
    protected void WriteChange(ImageChange change)
    {
        if (change.Written is Core.Model.ImageManifest manifest)
        {
            WriteObject(new OciManifest(new ResolvedImage(change.Reference, manifest.ToDescriptor(), manifest, null)));
        }
        else
        {
            WriteObject(new OciImageChange(change));
        }
    }

    /// <summary>The config changes, created time, history line and annotations these parameters give, as the composer takes them.</summary>
    protected ComposeRequest ConfigRequest(Platform? platform, MediaTypeStyle style = MediaTypeStyle.Oci, string? artifactType = null) => new()
    {
        Changes = BuildChanges(platform),
        Created = CreatedTime(),
        History = History,
        Annotations = Annotations(),
        Style = style,
        ArtifactType = artifactType,
    };

    protected ConfigChanges BuildChanges(Platform? platform) => new()
    {
        Entrypoint = Entrypoint,
        Command = Command,
        Environment = HashtableParameter.Strings(Environment, "Environment"),
        WorkingDirectory = WorkingDirectory,
        User = User,
        Labels = HashtableParameter.Strings(Label, "Label"),
        ExposedPorts = ExposedPort,
        Volumes = Volume,
        StopSignal = StopSignal,
        Platform = platform,
    };

    protected DateTimeOffset CreatedTime() =>
        Created is { } created ? new DateTimeOffset(created.ToUniversalTime()) : Core.Layers.ReproducibleTime.FromEnvironment();

    protected IReadOnlyDictionary<string, string>? Annotations()
    {
        return HashtableParameter.Annotations(Annotation);
    }
}
