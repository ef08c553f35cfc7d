using System;
using System.Collections;
using System.Linq;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>The execution settings of an image config (ENTRYPOINT, CMD, ENV, USER...), as OciImageConfig.Config.</summary>
public sealed class OciContainerConfig
{
    public OciContainerConfig(ContainerConfig? run)
    {
        User = run?.User;
        Environment = run?.Env?.ToArray() ?? Array.Empty<string>();
        Entrypoint = run?.Entrypoint?.ToArray();
        Command = run?.Cmd?.ToArray();
        WorkingDirectory = run?.WorkingDir;
        ExposedPorts = run?.ExposedPorts?.Keys.ToArray() ?? Array.Empty<string>();
        Volumes = run?.Volumes?.Keys.ToArray() ?? Array.Empty<string>();
        StopSignal = run?.StopSignal;
        Labels = Shapes.ToHashtable(run?.Labels);
    }

    public string? User { get; }

    /// <summary>NAME=VALUE strings (ENV).</summary>
    public string[] Environment { get; }

    public string[]? Entrypoint { get; }

    /// <summary>The default arguments (CMD).</summary>
    public string[]? Command { get; }

    public string? WorkingDirectory { get; }

    /// <summary>Such as 8080/tcp.</summary>
    public string[] ExposedPorts { get; }

    public string[] Volumes { get; }

    public string? StopSignal { get; }

    public Hashtable Labels { get; }

    /// <summary>What a container runs: the entrypoint, then the command.</summary>
    public override string ToString() => string.Join(" ", (Entrypoint ?? Array.Empty<string>()).Concat(Command ?? Array.Empty<string>()));
}
