using System.Text;
using System.Text.RegularExpressions;

namespace OciImage.Core.Analysis;

/// <summary>
/// A subtree chosen by a wildcard pattern (* any characters, ? one, [abc] a set, as PowerShell's -like, case
/// sensitive as Linux paths are): a path is in it when the path or one of its parent directories matches.
/// "/etc" chooses /etc and everything under it; "/usr/lib/*.so" every .so file there and below.
/// </summary>
public sealed class PathFilter
{
    private readonly Regex _regex;

    public PathFilter(string pattern)
    {
        Pattern = "/" + pattern.Trim().Trim('/');
        _regex = new Regex("^" + ToRegex(Pattern) + "$", RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    /// <summary>True when <paramref name="path"/> ("/a/b") or a directory above it matches.</summary>
    public bool Includes(string path)
    {
        for (var candidate = path; candidate.Length > 0; candidate = candidate.Substring(0, candidate.LastIndexOf('/')))
        {
            if (_regex.IsMatch(candidate))
            {
                return true;
            }
        }

        return Pattern == "/";
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end > i + 1)
                    {
                        regex.Append('[').Append(pattern.Substring(i + 1, end - i - 1).Replace("\\", "\\\\")).Append(']');
                        i = end;
                    }
                    else
                    {
                        regex.Append("\\[");
                    }

                    break;
                case '`' when i + 1 < pattern.Length:
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.ToString();
    }
}
