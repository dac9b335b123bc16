using System.Text.Json;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// Reads config members the way Go's encoding/json fills a struct: keys match case-insensitively, the last
/// duplicate wins, JSON null leaves the field unset, and a wrong type is an error with Go's wording.
/// Errors are FormatException; callers wrap them.
/// </summary>
internal static class GoJson
{
    public static JsonElement? Member(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object) return null;
        JsonElement? found = null;
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) found = p.Value;
        }
        return found is { ValueKind: JsonValueKind.Null } ? null : found;
    }

    public static string? String(JsonElement obj, string name, string goStruct)
    {
        if (Member(obj, name) is not { } v) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw TypeError(v, goStruct, name, "string");
    }

    public static JsonElement? Object(JsonElement obj, string name, string goStruct, string goType)
    {
        if (Member(obj, name) is not { } v) return null;
        return v.ValueKind == JsonValueKind.Object ? v : throw TypeError(v, goStruct, name, goType);
    }

    public static IReadOnlyList<JsonElement>? Array(JsonElement obj, string name, string goStruct, string goType)
    {
        if (Member(obj, name) is not { } v) return null;
        return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToArray() : throw TypeError(v, goStruct, name, goType);
    }

    public static int? Int(JsonElement obj, string name, string goStruct)
    {
        if (Member(obj, name) is not { } v) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw TypeError(v, goStruct, name, "int");
    }

    /// <summary>A net.IP field: "" means unset; bad text is Go's ParseError.</summary>
    public static IpAddr? Ip(JsonElement obj, string name, string goStruct)
    {
        var text = String(obj, name, goStruct);
        if (string.IsNullOrEmpty(text)) return null;
        return IpAddr.TryParse(text, out var ip) ? ip : throw new FormatException($"invalid IP address: {text}");
    }

    public static FormatException TypeError(JsonElement value, string goStruct, string field, string goType) =>
        new($"json: cannot unmarshal {KindName(value.ValueKind)} into Go struct field {goStruct}.{field} of type {goType}");

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        _ => "object",
    };
}
