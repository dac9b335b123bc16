namespace CniBox.Applets.Common.GoRegexLite;

/// <summary>
/// An unanchored RE2-subset matcher for Go's <c>regexp.MatchString</c> (what tuning's sysctl allowlist needs), run
/// as a Thompson NFA: time linear in pattern × text, no backtracking. It compares UTF-16 chars, which equal runes
/// for the ASCII keys it sees. Syntax outside the subset fails with <see cref="GoRegexException.Unsupported"/>.
/// </summary>
public sealed class GoRegex
{
    private readonly RegexProgram _program;

    private GoRegex(RegexProgram program) => _program = program;

    /// <exception cref="GoRegexException">Go refuses the pattern, or it is beyond the supported subset.</exception>
    public static GoRegex Compile(string pattern) => new(RegexProgram.Compile(RegexParser.Parse(pattern)));

    /// <summary>True when some substring of <paramref name="text"/> matches.</summary>
    public bool IsMatch(string text) => _program.Run(text);
}
