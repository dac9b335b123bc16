using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CniBox.Spec.Json;

/// <summary>
/// <c>JsonDocument.Parse</c> for JSON from outside (stdin, files, a plugin's stdout) with Go's string rules.
/// System.Text.Json accepts invalid UTF-8 and lone surrogate escapes inside strings at parse time and only
/// throws (InvalidOperationException) when a string or key is read. Go's encoding/json decodes each invalid
/// byte and each unpaired <c>\uD800</c>-<c>\uDFFF</c> escape as U+FFFD, so the text is mended the same way
/// first; valid input (the common case) is parsed as it is.
/// </summary>
public static class GoJsonInput
{
    private static readonly byte[] Replacement = "\uFFFD"u8.ToArray();
    private static readonly byte[] ReplacementEscape = "\\ufffd"u8.ToArray();

    public static JsonDocument Parse(ReadOnlyMemory<byte> json) =>
        JsonDocument.Parse(Mend(json.Span) ?? json);

    public static JsonDocument Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>The mended text, or null when nothing needs mending.</summary>
    public static byte[]? Mend(ReadOnlySpan<byte> json)
    {
        if (Utf8.IsValid(json) && !HasSurrogateEscape(json)) return null;
        var output = new List<byte>(json.Length + 16);
        int i = 0;
        while (i < json.Length)
        {
            byte b = json[i];
            if (b == (byte)'\\' && i + 1 < json.Length)
            {
                int taken = json[i + 1] == (byte)'u' ? UnicodeEscape(json[i..], output) : 0;
                if (taken == 0)
                {
                    output.Add(b);
                    output.Add(json[i + 1]);
                    taken = 2;
                }
                i += taken;
            }
            else if (b < 0x80)
            {
                output.Add(b);
                i++;
            }
            else if (Rune.DecodeFromUtf8(json[i..], out _, out int length) == System.Buffers.OperationStatus.Done)
            {
                output.AddRange(json.Slice(i, length));
                i += length;
            }
            else
            {
                output.AddRange(Replacement);
                i++;
            }
        }
        return [.. output];
    }

    /// <summary>Copies or mends one <c>\uXXXX</c> (a pair when it is a valid surrogate pair); 0 when it is not one.</summary>
    private static int UnicodeEscape(ReadOnlySpan<byte> at, List<byte> output)
    {
        if (Hex4(at, 2) is not { } unit) return 0;
        if (unit is >= 0xD800 and <= 0xDBFF && at.Length >= 12 && at[6] == (byte)'\\' && at[7] == (byte)'u'
            && Hex4(at, 8) is >= 0xDC00 and <= 0xDFFF)
        {
            output.AddRange(at[..12]);
            return 12;
        }
        if (unit is >= 0xD800 and <= 0xDFFF) output.AddRange(ReplacementEscape);
        else output.AddRange(at[..6]);
        return 6;
    }

    private static int? Hex4(ReadOnlySpan<byte> at, int start)
    {
        if (at.Length < start + 4) return null;
        int value = 0;
        foreach (byte c in at.Slice(start, 4))
        {
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) return null;
            value = value << 4 | digit;
        }
        return value;
    }

    private static bool HasSurrogateEscape(ReadOnlySpan<byte> json)
    {
        for (int i = json.IndexOf((byte)'\\'); i >= 0 && i + 2 < json.Length; i = NextBackslash(json, i + 2))
            if (json[i + 1] == (byte)'u' && (json[i + 2] | 0x20) == (byte)'d') return true;
        return false;
    }

    private static int NextBackslash(ReadOnlySpan<byte> json, int from)
    {
        int next = json[from..].IndexOf((byte)'\\');
        return next < 0 ? -1 : from + next;
    }
}
