using System.Text;
using System.Text.RegularExpressions;

namespace OciImage.Core.Rewrite;

/// <summary>A history line pattern as PowerShell's -like reads it: * any characters, ? one, [abc] a set; case-insensitive; the whole line.</summary>
internal sealed class CreatedByPattern
{
    private readonly Regex _regex;

    public CreatedByPattern(string pattern)
    {
        Pattern = pattern;
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var end = c == '[' ? pattern.IndexOf(']', i + 1) : -1;
            if (c == '*')
            {
                regex.Append(".*");
            }
            else if (c == '?')
            {
                regex.Append('.');
            }
            else if (end > i + 1)
            {
                regex.Append('[').Append(pattern.Substring(i + 1, end - i - 1).Replace("\\", "\\\\")).Append(']');
                i = end;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        _regex = new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Singleline);
    }

    public string Pattern { get; }

    public bool IsMatch(string? createdBy) => createdBy is not null && _regex.IsMatch(createdBy);
}
