using System;
using System.Collections;
using System.Linq;
using System.Text;
using OciImage.Core;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>
/// An image's configuration, flattened for reading in PowerShell. <see cref="Config"/> groups the execution settings
/// as the document does; <see cref="Json"/> is the whole document, fields this module does not model included.
/// </summary>
public sealed class OciImageConfig
{
    public OciImageConfig(Reference reference, ImageConfig config)
    {
        Reference = reference.ToString();
        Digest = config.Digest.ToString();
        Created = config.Created?.UtcDateTime;
        Author = config.Author;
        Platform = config.Platform.ToString();
        Config = new OciContainerConfig(config.Config);
        DiffIds = config.RootFs.DiffIds.Select(d => d.ToString()).ToArray();
        History = config.History?.Select(h => new OciHistoryEntry(h)).ToArray() ?? Array.Empty<OciHistoryEntry>();
        Json = Encoding.UTF8.GetString(config.GetRawBytes());
    }

    /// <summary>The image the config belongs to (pinned to the manifest digest).</summary>
    public string Reference { get; }

    /// <summary>The config blob's digest.</summary>
    public string Digest { get; }

    /// <summary>In UTC (a DateTime, so it survives Export-Clixml and remoting as one).</summary>
    public DateTime? Created { get; }

    public string? Author { get; }

    /// <summary>os/architecture[/variant].</summary>
    public string Platform { get; }

    public string? User => Config.User;

    public string[] Environment => Config.Environment;

    public string[]? Entrypoint => Config.Entrypoint;

    public string[]? Command => Config.Command;

    public string? WorkingDirectory => Config.WorkingDirectory;

    public string[] ExposedPorts => Config.ExposedPorts;

    public string[] Volumes => Config.Volumes;

    public string? StopSignal => Config.StopSignal;

    public Hashtable Labels => Config.Labels;

    /// <summary>The DiffID (digest of the uncompressed tar) of each layer, base first.</summary>
    public string[] DiffIds { get; }

    /// <summary>How the image was built, one entry per step (steps that made no layer included).</summary>
    public OciHistoryEntry[] History { get; }

    /// <summary>The execution settings (the document's "config" section).</summary>
    public OciContainerConfig Config { get; }

    /// <summary>The exact JSON the config was read from.</summary>
    public string Json { get; }

    public override string ToString() => Digest;
}
