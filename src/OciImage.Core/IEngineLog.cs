namespace OciImage.Core;

/// <summary>
/// Where the engine tells what it does (each HTTP request, each blob decision) and what the user should know.
/// The module relays these to Write-Verbose and Write-Warning on the pipeline thread. Never given secrets.
/// </summary>
public interface IEngineLog
{
    void Verbose(string message);

    void Warning(string message);
}

/// <summary>A log that drops everything, for callers that do not listen.</summary>
public sealed class NullEngineLog : IEngineLog
{
    public static readonly NullEngineLog Instance = new();

    public void Verbose(string message)
    {
    }

    public void Warning(string message)
    {
    }
}
