using System.Management.Automation;
using OciImage.Core.Errors;

namespace OciImage;

/// <summary>
/// PowerShell's WildcardPattern parses on its first match, so an unclosed '[' threw WildcardPatternException in
/// the middle of a listing: a raw terminating error. Parsed here at once, it is InvalidSelection naming the pattern.
/// </summary>
internal static class CheckedWildcard
{
    public static WildcardPattern Get(string pattern, WildcardOptions options)
    {
        var wildcard = WildcardPattern.Get(pattern, options);
        try
        {
            wildcard.IsMatch(string.Empty);
        }
        catch (WildcardPatternException)
        {
            throw new InvalidSelectionException("wildcard pattern", pattern, "a '[' has no closing ']' (escape a literal bracket with a backtick: `[)");
        }

        return wildcard;
    }
}
