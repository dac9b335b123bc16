namespace CniBox.Spec;

/// <summary>The spec versions cnibox speaks and the semver rules libcni applies to them.</summary>
public static class CniVersion
{
    public const string Current = "1.1.0";

    public static readonly IReadOnlyList<string> Supported =
        ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    /// <summary>"" means 0.1.0; 1-3 integer parts ("1" is 1.0.0); anything else is an error.</summary>
    public static bool TryParse(string? text, out (int Major, int Minor, int Patch) version)
    {
        version = (0, 1, 0);
        if (string.IsNullOrEmpty(text)) return true;
        var parts = text.Split('.');
        if (parts.Length > 3) return false;
        Span<int> n = stackalloc int[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit) || !int.TryParse(parts[i], out n[i]))
                return false;
        }
        version = (n[0], n[1], n[2]);
        return true;
    }

    /// <summary>Compares two version strings; throws a decoding error (code 6) when either is malformed.</summary>
    public static int Compare(string? a, string? b)
    {
        var va = ParseOrThrow(a);
        var vb = ParseOrThrow(b);
        return va.CompareTo(vb);
    }

    public static bool AtLeast(string? version, string minimum) => Compare(version, minimum) >= 0;

    public static bool IsSupported(string? version) => IsSupported(version, Supported);

    public static bool IsSupported(string? version, IReadOnlyList<string> supported) =>
        supported.Contains(string.IsNullOrEmpty(version) ? "0.1.0" : version);

    /// <summary>Go's version.VersionsStartingFrom: the supported versions from <paramref name="minimum"/> on.</summary>
    public static IReadOnlyList<string> StartingFrom(string minimum) => [.. Supported.Where(v => AtLeast(v, minimum))];

    private static (int, int, int) ParseOrThrow(string? text) =>
        TryParse(text, out var v) ? v : throw new CniException(ErrorCode.DecodingFailure, $"invalid version \"{text}\"");
}
