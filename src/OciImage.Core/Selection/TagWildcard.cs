using System.Collections.Generic;
using System.Text;
using OciImage.Core.Errors;

namespace OciImage.Core.Selection;

/// <summary>
/// A wildcard pattern in PowerShell's syntax, matched case-SENSITIVELY because tags are (<c>V1</c> and <c>v1</c>
/// are two tags): <c>*</c> any run of characters, <c>?</c> one character, <c>[abc]</c> one of a set,
/// <c>[a-z]</c> one of a range, a backtick escapes the next character. There is no negation, as in PowerShell.
/// Matching is iterative (the greedy star with one backtrack point), so its cost is at most the pattern's length
/// times the tag's, whatever the tag: a hostile tag cannot make it hang. An unclosed <c>[</c> is
/// <see cref="InvalidSelectionException"/>.
/// </summary>
internal sealed class TagWildcard
{
    private readonly List<Token> _tokens = new();

    private TagWildcard(string pattern) => Pattern = pattern;

    public string Pattern { get; }

    public static TagWildcard Parse(string pattern)
    {
        var wildcard = new TagWildcard(pattern);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '`' && i + 1 < pattern.Length)
            {
                wildcard._tokens.Add(Token.Literal(pattern[++i]));
            }
            else if (c == '*')
            {
                if (wildcard._tokens.Count == 0 || wildcard._tokens[wildcard._tokens.Count - 1].Kind != Kind.Star)
                {
                    wildcard._tokens.Add(new Token(Kind.Star, null));
                }
            }
            else if (c == '?')
            {
                wildcard._tokens.Add(new Token(Kind.One, null));
            }
            else if (c == '[')
            {
                var set = new StringBuilder();
                var closed = false;
                for (i++; i < pattern.Length; i++)
                {
                    if (pattern[i] == '`' && i + 1 < pattern.Length)
                    {
                        set.Append(pattern[++i]);
                        continue;
                    }

                    if (pattern[i] == ']' && set.Length > 0)
                    {
                        closed = true;
                        break;
                    }

                    set.Append(pattern[i]);
                }

                if (!closed)
                {
                    throw new InvalidSelectionException("wildcard pattern", pattern, "a '[' has no closing ']' (escape a literal bracket with a backtick: `[)");
                }

                wildcard._tokens.Add(new Token(Kind.Set, set.ToString()));
            }
            else
            {
                wildcard._tokens.Add(Token.Literal(c));
            }
        }

        return wildcard;
    }

    /// <summary>True when the whole tag matches, case-sensitively.</summary>
    public bool IsMatch(string tag)
    {
        int t = 0, p = 0, starPattern = -1, starTag = 0;
        while (t < tag.Length)
        {
            if (p < _tokens.Count && _tokens[p].Kind != Kind.Star && _tokens[p].Matches(tag[t]))
            {
                t++;
                p++;
            }
            else if (p < _tokens.Count && _tokens[p].Kind == Kind.Star)
            {
                starPattern = p++;
                starTag = t;
            }
            else if (starPattern >= 0)
            {
                // Let the last star take one more character and try again from there.
                p = starPattern + 1;
                t = ++starTag;
            }
            else
            {
                return false;
            }
        }

        while (p < _tokens.Count && _tokens[p].Kind == Kind.Star)
        {
            p++;
        }

        return p == _tokens.Count;
    }

    public override string ToString() => Pattern;

    private enum Kind
    {
        Literal,
        One,
        Set,
        Star,
    }

    private sealed class Token(Kind kind, string? text)
    {
        public Kind Kind { get; } = kind;

        public static Token Literal(char c) => new(Kind.Literal, c.ToString());

        public bool Matches(char c)
        {
            switch (Kind)
            {
                case Kind.Literal:
                    return text![0] == c;
                case Kind.One:
                    return true;
                case Kind.Set:
                    for (var i = 0; i < text!.Length; i++)
                    {
                        if (i + 2 < text.Length && text[i + 1] == '-')
                        {
                            if (c >= text[i] && c <= text[i + 2])
                            {
                                return true;
                            }

                            i += 2;
                        }
                        else if (text[i] == c)
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }
    }
}
