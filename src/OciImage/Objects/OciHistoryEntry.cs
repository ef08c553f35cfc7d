using System;
using OciImage.Core.Model;

namespace OciImage;

/// <summary>One step of an image's build history (a Dockerfile line, a New-OciLayer), as OciImageConfig.History.</summary>
public sealed class OciHistoryEntry
{
    public OciHistoryEntry(HistoryEntry entry)
    {
        Created = entry.Created?.UtcDateTime;
        CreatedBy = entry.CreatedBy;
        Author = entry.Author;
        Comment = entry.Comment;
        EmptyLayer = entry.EmptyLayer == true;
    }

    /// <summary>In UTC (a DateTime, so it survives Export-Clixml and remoting as one).</summary>
    public DateTime? Created { get; }

    /// <summary>The command that made the step, such as COPY app /app.</summary>
    public string? CreatedBy { get; }

    public string? Author { get; }

    public string? Comment { get; }

    /// <summary>True when the step changed only the config and made no layer.</summary>
    public bool EmptyLayer { get; }

    public override string ToString() => CreatedBy ?? Comment ?? string.Empty;
}
