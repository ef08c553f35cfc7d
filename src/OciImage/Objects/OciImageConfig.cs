using System;
using System.Collections;
using System.Linq;
using System.Text;
using OciImage.Core;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>An image's configuration, flattened for reading in PowerShell; <see cref="Config"/> has the whole model.</summary>
public sealed class OciImageConfig
{
    public OciImageConfig(Reference reference, ImageConfig config)
    {
        Reference = reference;
        Config = config;
        var run = config.Config;
        Environment = run?.Env?.ToArray() ?? Array.Empty<string>();
        Entrypoint = run?.Entrypoint?.ToArray();
        Command = run?.Cmd?.ToArray();
        ExposedPorts = run?.ExposedPorts?.Keys.ToArray() ?? Array.Empty<string>();
        Volumes = run?.Volumes?.Keys.ToArray() ?? Array.Empty<string>();
        Labels = Shapes.ToHashtable(run?.Labels);
        DiffIds = config.RootFs.DiffIds.ToArray();
        History = config.History?.ToArray() ?? Array.Empty<HistoryEntry>();
    }

    /// <summary>The image the config belongs to (pinned to the manifest digest).</summary>
    public Reference Reference { get; }

    public Digest Digest => Config.Digest;

    public DateTimeOffset? Created => Config.Created;

    public string? Author => Config.Author;

    public Platform Platform => Config.Platform;

    public string? User => Config.Config?.User;

    public string[] Environment { get; }

    public string[]? Entrypoint { get; }

    public string[]? Command { get; }

    public string? WorkingDirectory => Config.Config?.WorkingDir;

    public string[] ExposedPorts { get; }

    public string[] Volumes { get; }

    public string? StopSignal => Config.Config?.StopSignal;

    public Hashtable Labels { get; }

    public Digest[] DiffIds { get; }

    public HistoryEntry[] History { get; }

    /// <summary>The full config model, unknown fields included.</summary>
    public ImageConfig Config { get; }

    public string Json => Encoding.UTF8.GetString(Config.GetRawBytes());

    public override string ToString() => Digest.ToString();
}
