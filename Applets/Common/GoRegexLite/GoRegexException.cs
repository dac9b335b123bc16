namespace CniBox.Applets.Common.GoRegexLite;

/// <summary>A pattern Go's regexp would refuse (Message as Go words it), or one this matcher does not support.</summary>
public sealed class GoRegexException(string message, bool unsupported) : Exception(message)
{
    /// <summary>True when Go might accept the pattern, but its syntax is beyond this RE2 subset.</summary>
    public bool Unsupported { get; } = unsupported;
}
