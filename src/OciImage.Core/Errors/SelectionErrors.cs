namespace OciImage.Core.Errors;

/// <summary>
/// A tag selection that cannot be applied: a version range, wildcard or regular expression that does not parse,
/// a regular expression that ran past its time limit on a tag, or a date rule where no dates can be had.
/// </summary>
public sealed class InvalidSelectionException(string what, string text, string reason)
    : OciException("InvalidSelection", OciErrorKind.InvalidArgument, $"'{text}' is not a usable {what}: {reason}.")
{
    /// <summary>Which rule: "version range", "wildcard pattern", "regular expression", "variant", "date rule".</summary>
    public string What { get; } = what;

    public string Text { get; } = text;
}
