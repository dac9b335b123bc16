namespace CniBox.Applets.Common.GoRegexLite;

/// <summary>
/// Parses the RE2 subset <see cref="GoRegex"/> runs: literals, escapes, <c>.</c>, classes, <c>* + ? {m,n}</c> (lazy
/// forms too), <c>^ $</c>, <c>|</c>, groups. Errors carry Go's regexp/syntax wording.
/// </summary>
internal sealed class RegexParser
{
    private const int MaxRepeat = 1000; // Go's limit for {m,n}
    private static readonly (char, char)[] Digits = [('0', '9')];
    private static readonly (char, char)[] Spaces = [('\t', '\n'), ('\f', '\r'), (' ', ' ')];
    private static readonly (char, char)[] WordChars = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

    private readonly string _text;
    private int _at;

    private RegexParser(string text) => _text = text;

    public static RegexNode Parse(string pattern)
    {
        var parser = new RegexParser(pattern);
        var node = parser.ParseAlternation(depth: 0);
        if (parser._at < pattern.Length) throw Invalid("unexpected )", pattern); // only ')' stops the top level
        return node;
    }

    private bool AtEnd => _at >= _text.Length;

    private char Peek => _text[_at];

    private RegexNode ParseAlternation(int depth)
    {
        var choices = new List<RegexNode> { ParseConcat() };
        while (!AtEnd && Peek == '|')
        {
            _at++;
            choices.Add(ParseConcat());
        }
        if (depth > 0)
        {
            if (AtEnd) throw Invalid("missing closing )", _text);
            _at++; // the ')'
        }
        return choices.Count == 1 ? choices[0] : new AlternateNode(choices);
    }

    private RegexNode ParseConcat()
    {
        var items = new List<RegexNode>();
        while (!AtEnd && Peek is not ('|' or ')'))
        {
            if (TryRepeat(out _, out _, out var opLength))
                throw Invalid("missing argument to repetition operator", _text.Substring(_at, opLength));
            var atom = ParseAtom();
            var opStart = -1;
            while (!AtEnd && TryRepeat(out var min, out var max, out var length))
            {
                if (opStart >= 0) throw Invalid("invalid nested repetition operator", _text[opStart..(_at + length)]);
                opStart = _at;
                _at += length;
                if (!AtEnd && Peek == '?') _at++; // lazy: the same strings match
                atom = new RepeatNode(atom, min, max);
                if (!NestingFits(atom, MaxRepeat)) throw Invalid("invalid repeat count", _text.Substring(opStart, length));
            }
            items.Add(atom);
        }
        return items.Count == 1 ? items[0] : new ConcatNode(items);
    }

    /// <summary>Go's repeatIsValid: nested counts multiply, and (a{1000}){1000} is too many.</summary>
    private static bool NestingFits(RegexNode node, int budget) => node switch
    {
        RepeatNode r when (r.Max >= 0 ? r.Max : r.Min) is var m and > 0 => m <= budget && NestingFits(r.Item, budget / m),
        RepeatNode r => NestingFits(r.Item, budget),
        ConcatNode c => c.Items.TrueForAll(i => NestingFits(i, budget)),
        AlternateNode a => a.Choices.TrueForAll(i => NestingFits(i, budget)),
        _ => true,
    };

    private bool TryRepeat(out int min, out int max, out int length)
    {
        (min, max, length) = Peek switch
        {
            '*' => (0, -1, 1),
            '+' => (1, -1, 1),
            '?' => (0, 1, 1),
            _ => (0, 0, 0),
        };
        return length > 0 || (Peek == '{' && TryRepeatCount(out min, out max, out length));
    }

    /// <summary>{n}, {n,} or {n,m} at the cursor; anything else starting with '{' is a literal, as in Go.</summary>
    private bool TryRepeatCount(out int min, out int max, out int length)
    {
        min = max = length = 0;
        var i = _at + 1;
        if (!ReadNumber(ref i, out min)) return false;
        max = min;
        if (i < _text.Length && _text[i] == ',')
        {
            i++;
            max = -1;
            if (i < _text.Length && char.IsAsciiDigit(_text[i]) && !ReadNumber(ref i, out max)) return false;
        }
        if (i >= _text.Length || _text[i] != '}') return false;
        length = i + 1 - _at;
        if (min > MaxRepeat || max > MaxRepeat || (max >= 0 && max < min))
            throw Invalid("invalid repeat count", _text.Substring(_at, length));
        return true;
    }

    private bool ReadNumber(ref int i, out int value)
    {
        value = 0;
        var start = i;
        while (i < _text.Length && char.IsAsciiDigit(_text[i]))
        {
            value = Math.Min(value * 10 + (_text[i] - '0'), MaxRepeat + 1);
            i++;
        }
        return i > start;
    }

    private RegexNode ParseAtom()
    {
        var c = _text[_at++];
        switch (c)
        {
            case '(':
                SkipGroupPrefix();
                return ParseAlternation(depth: 1);
            case '[':
                return ParseClass(_at - 1);
            case '.':
                return new CharSetNode([('\n', '\n')], Negated: true);
            case '^':
                return new AssertNode(AtEnd: false);
            case '$':
                return new AssertNode(AtEnd: true);
            case '\\':
                return ParseEscape(inClass: false);
            default:
                return Literal(c);
        }
    }

    /// <summary>(?:...) and named groups (?P&lt;n&gt;...), (?&lt;n&gt;...) match like (...); flags are not supported.</summary>
    private void SkipGroupPrefix()
    {
        if (AtEnd || Peek != '?') return;
        var rest = _text.AsSpan(_at);
        if (rest.StartsWith("?:"))
        {
            _at += 2;
            return;
        }
        var nameStart = rest.StartsWith("?P<") ? 3 : rest.StartsWith("?<") ? 2 : -1;
        var close = rest.IndexOf('>');
        if (nameStart < 0 || close <= nameStart)
        {
            var flagsEnd = rest.IndexOfAny(')', ':');
            throw Unsupported("group flags", "(" + rest[..(flagsEnd < 0 ? rest.Length : flagsEnd + 1)].ToString());
        }
        foreach (var n in rest[nameStart..close])
        {
            if (!char.IsAsciiLetterOrDigit(n) && n != '_') throw Invalid("invalid named capture", "(" + rest[..(close + 1)].ToString());
        }
        _at += close + 1;
    }

    private RegexNode ParseClass(int start)
    {
        var negated = !AtEnd && Peek == '^';
        if (negated) _at++;
        var ranges = new List<(char, char)>();
        var first = true;
        while (AtEnd || Peek != ']' || first)
        {
            if (AtEnd) throw Invalid("missing closing ]", _text[start..]);
            if (_text.AsSpan(_at).StartsWith("[:")) throw Unsupported("POSIX class", _text[_at..]);
            var rangeStart = _at;
            first = false;
            if (!ReadClassChar(ranges, out var lo)) continue;
            if (_at + 1 < _text.Length && Peek == '-' && _text[_at + 1] != ']')
            {
                _at++;
                if (!ReadClassChar(ranges, out var hi) || hi < lo)
                    throw Invalid("invalid character class range", _text[rangeStart.._at]);
                ranges.Add((lo, hi));
            }
            else ranges.Add((lo, lo));
        }
        _at++; // the ']'
        return new CharSetNode(ranges.ToArray(), negated);
    }

    /// <summary>One class member: false when it was a whole set (\d, \s, \w...), already added to ranges.</summary>
    private bool ReadClassChar(List<(char, char)> ranges, out char c)
    {
        c = _text[_at++];
        if (c != '\\') return true;
        var escaped = (CharSetNode)ParseEscape(inClass: true);
        if (escaped.Ranges.Length == 1 && !escaped.Negated && escaped.Ranges[0].Lo == escaped.Ranges[0].Hi)
        {
            c = escaped.Ranges[0].Lo;
            return true;
        }
        if (escaped.Negated) throw Unsupported("negated escape in a class", _text[(_at - 2).._at]);
        ranges.AddRange(escaped.Ranges);
        return false;
    }

    /// <summary>After a backslash: the set it stands for, or, outside classes, the assertion \A or \z.</summary>
    private RegexNode ParseEscape(bool inClass)
    {
        if (AtEnd) throw Invalid("trailing backslash at end of expression", "");
        var c = _text[_at++];
        switch (c)
        {
            case 'd': return new CharSetNode(Digits, Negated: false);
            case 'D': return new CharSetNode(Digits, Negated: true);
            case 's': return new CharSetNode(Spaces, Negated: false);
            case 'S': return new CharSetNode(Spaces, Negated: true);
            case 'w': return new CharSetNode(WordChars, Negated: false);
            case 'W': return new CharSetNode(WordChars, Negated: true);
            case 'a': return Literal('\a');
            case 'f': return Literal('\f');
            case 't': return Literal('\t');
            case 'n': return Literal('\n');
            case 'r': return Literal('\r');
            case 'v': return Literal('\v');
            case 'A' when !inClass: return new AssertNode(AtEnd: false);
            case 'z' when !inClass: return new AssertNode(AtEnd: true);
            case 'x' when _at + 1 < _text.Length && char.IsAsciiHexDigit(Peek) && char.IsAsciiHexDigit(_text[_at + 1]):
                _at += 2;
                return Literal((char)Convert.ToInt32(_text.Substring(_at - 2, 2), 16));
        }
        if (c < 0x80 && !char.IsAsciiLetterOrDigit(c)) return Literal(c); // escaped punctuation
        if (c is 'b' or 'B' or 'p' or 'P' or 'Q' or 'C' or 'x' or (>= '0' and <= '7'))
            throw Unsupported("escape", _text[(_at - 2).._at]);
        throw Invalid("invalid escape sequence", _text[(_at - 2).._at]);
    }

    private static CharSetNode Literal(char c) => new([(c, c)], Negated: false);

    private static GoRegexException Invalid(string code, string expr) => new($"{code}: `{expr}`", unsupported: false);

    private static GoRegexException Unsupported(string what, string expr) =>
        new($"unsupported regexp syntax ({what}): `{expr}`", unsupported: true);
}
