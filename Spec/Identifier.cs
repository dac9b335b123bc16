namespace CniBox.Spec;

/// <summary>
/// <c>^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$</c>, the pattern for container ids and network names,
/// checked by hand so the binary does not carry the regex engine.
/// </summary>
public static class Identifier
{
    public static bool IsValid(string? text)
    {
        if (string.IsNullOrEmpty(text) || !char.IsAsciiLetterOrDigit(text[0])) return false;
        foreach (var c in text)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-')) return false;
        return true;
    }
}
