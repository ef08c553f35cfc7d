using System;

namespace OciImage.Core.Archives;

/// <summary>
/// Which archive names a user asked for. The patterns are matched by the caller's rules (the cmdlet passes
/// PowerShell's own wildcards), so the engine keeps no wildcard dialect of its own; the text is for messages.
/// </summary>
public sealed class NameFilter
{
    private readonly Func<string, bool> _matches;
    private readonly string _text;

    public NameFilter(Func<string, bool> matches, string text)
    {
        _matches = matches;
        _text = text;
    }

    public bool Matches(string name) => _matches(name);

    public override string ToString() => _text;
}
