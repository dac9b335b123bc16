using System.Globalization;
using System.Text;

namespace CniBox.Spec.Json;

/// <summary>
/// Writes JSON byte-for-byte as Go's encoding/json does (json.Marshal / MarshalIndent with an indent of
/// <c>indentWidth</c> spaces, 4 as libcni's, 1 as tuning's backup files):
/// HTML characters and U+2028/U+2029 escaped with lowercase hex, non-ASCII left alone, no trailing newline.
/// The caller decides the key order, so struct order and sorted maps are both possible.
/// </summary>
internal sealed class GoJsonWriter(bool indented, int indentWidth = 4)
{
    private readonly StringBuilder _sb = new();
    private readonly Stack<bool> _hasItems = new();
    private bool _afterName;

    public override string ToString() => _sb.ToString();

    public GoJsonWriter StartObject() => Open('{');
    public GoJsonWriter EndObject() => Close('}');
    public GoJsonWriter StartArray() => Open('[');
    public GoJsonWriter EndArray() => Close(']');

    public GoJsonWriter Name(string name)
    {
        BeforeValue();
        AppendQuoted(_sb, name);
        _sb.Append(indented ? ": " : ":");
        _afterName = true;
        return this;
    }

    public GoJsonWriter String(string value)
    {
        BeforeValue();
        AppendQuoted(_sb, value);
        return this;
    }

    public GoJsonWriter Number(long value)
    {
        BeforeValue();
        _sb.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public GoJsonWriter Bool(bool value) => Literal(value ? "true" : "false");

    public GoJsonWriter Null() => Literal("null");

    /// <summary>A value already encoded as JSON (a number's text, or a compact nested document).</summary>
    public GoJsonWriter Literal(string json)
    {
        BeforeValue();
        _sb.Append(json);
        return this;
    }

    public GoJsonWriter Property(string name, string value) => Name(name).String(value);
    public GoJsonWriter Property(string name, long value) => Name(name).Number(value);

    public GoJsonWriter StringArray(string name, IEnumerable<string> values)
    {
        Name(name).StartArray();
        foreach (var v in values) String(v);
        return EndArray();
    }

    private GoJsonWriter Open(char c)
    {
        BeforeValue();
        _sb.Append(c);
        _hasItems.Push(false);
        return this;
    }

    private GoJsonWriter Close(char c)
    {
        if (_hasItems.Pop()) NewLine(_hasItems.Count);
        _sb.Append(c);
        return this;
    }

    private void BeforeValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }
        if (_hasItems.Count == 0) return;
        if (_hasItems.Peek()) _sb.Append(',');
        _hasItems.Pop();
        _hasItems.Push(true);
        NewLine(_hasItems.Count);
    }

    private void NewLine(int depth)
    {
        if (!indented) return;
        _sb.Append('\n').Append(' ', depth * indentWidth);
    }

    /// <summary>Go's string encoding with escapeHTML=true (Go 1.22+: \b and \f get short escapes).</summary>
    public static void AppendQuoted(StringBuilder sb, string s)
    {
        const string hex = "0123456789abcdef";
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
            }
            if (c < 0x20 || c == '<' || c == '>' || c == '&')
            {
                sb.Append("\\u00").Append(hex[c >> 4]).Append(hex[c & 0xF]);
            }
            else if (c == '\u2028' || c == '\u2029')
            {
                sb.Append("\\u202").Append(hex[c & 0xF]);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(c).Append(s[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                sb.Append("\\ufffd");
            }
            else
            {
                sb.Append(c);
            }
        }
        sb.Append('"');
    }
}
