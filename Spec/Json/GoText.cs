using System.Text;
using System.Text.Json;

namespace CniBox.Spec.Json;

/// <summary>Go formatting verbs that end up inside error messages the runtime compares against.</summary>
internal static class GoText
{
    /// <summary>Go's %q for a string (the common cases: quotes, backslashes, control characters).</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Go's %q for a []string: <c>["a" "b"]</c>.</summary>
    public static string QuoteList(IEnumerable<string> items) => "[" + string.Join(" ", items.Select(Quote)) + "]";

    /// <summary>Go's %v for a []string: <c>[a b]</c>.</summary>
    public static string List(IEnumerable<string> items) => "[" + string.Join(" ", items) + "]";

    /// <summary>Go's %T of a value decoded into interface{}.</summary>
    public static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "float64",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "[]interface {}",
        JsonValueKind.Object => "map[string]interface {}",
        _ => "<nil>",
    };
}
