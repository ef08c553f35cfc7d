using System;
using System.Collections.Generic;

namespace OciImage.Core.Images;

/// <summary>What to change in an image config; null leaves a field as the base has it.</summary>
public sealed class ConfigChanges
{
    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Merged into the base's environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    public string? WorkingDirectory { get; init; }

    public string? User { get; init; }

    /// <summary>Merged into the base's labels; a null value removes the label.</summary>
    public IReadOnlyDictionary<string, string?>? Labels { get; init; }

    /// <summary>Added, as "8080/tcp" (a bare number means tcp).</summary>
    public IReadOnlyList<string>? ExposedPorts { get; init; }

    public IReadOnlyList<string>? Volumes { get; init; }

    public string? StopSignal { get; init; }

    public Platform? Platform { get; init; }

    public bool IsEmpty =>
        Entrypoint is null && Command is null && Environment is null && WorkingDirectory is null && User is null
        && Labels is null && ExposedPorts is null && Volumes is null && StopSignal is null && Platform is null;

    /// <summary>A short description for the history entry of a metadata-only change.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Entrypoint is not null) parts.Add("ENTRYPOINT " + Json(Entrypoint));
        if (Command is not null) parts.Add("CMD " + Json(Command));
        if (Environment is not null) foreach (var pair in Environment) parts.Add(pair.Value is null ? $"ENV -{pair.Key}" : $"ENV {pair.Key}={pair.Value}");
        if (WorkingDirectory is not null) parts.Add("WORKDIR " + WorkingDirectory);
        if (User is not null) parts.Add("USER " + User);
        if (Labels is not null) foreach (var pair in Labels) parts.Add(pair.Value is null ? $"LABEL -{pair.Key}" : $"LABEL {pair.Key}={pair.Value}");
        if (ExposedPorts is not null) parts.Add("EXPOSE " + string.Join(" ", ExposedPorts));
        if (Volumes is not null) parts.Add("VOLUME " + Json(Volumes));
        if (StopSignal is not null) parts.Add("STOPSIGNAL " + StopSignal);
        return string.Join("; ", parts);
    }

    private static string Json(IReadOnlyList<string> values) => System.Text.Json.JsonSerializer.Serialize(values);
}
