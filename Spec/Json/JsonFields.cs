using System.Runtime.InteropServices;
using System.Text.Json;

namespace CniBox.Spec.Json;

/// <summary>
/// A JSON type mismatch worded as Go's <c>*json.UnmarshalTypeError</c>, e.g.
/// <c>json: cannot unmarshal number into Go struct field NetConf.cniVersion of type string</c>.
/// It is a <see cref="JsonException"/> so the callers' existing "undecodable JSON" paths take it.
/// </summary>
public sealed class GoJsonException(string message) : JsonException(message);

/// <summary>
/// A JSON object read the way Go's encoding/json fills a struct, over a parsed <see cref="JsonDocument"/>
/// and without <c>JsonSerializer</c>: in the NativeAOT binary the serializer's first use costs ~0.9 ms per
/// process (context creation plus the runtime type loader resolving its generics), against ~30 us for
/// <c>JsonDocument.Parse</c>, and a plugin is exec'd once per call.
/// </summary>
/// <remarks>
/// <para>Keys: a key fills a field when it equals the field's JSON name or equals it case-insensitively (Go
/// folds with ASCII case plus <c>ſ</c>→S and <c>ı</c>→I). Every key is applied in document order, so when
/// several keys fold to the same field the last one wins (<c>{"name":"a","Name":"b"}</c> is "b", as the Go
/// plugins do). Go's "preferring an exact match" only chooses between two <em>fields</em> that fold alike,
/// which none of our types have. Unknown keys are ignored (or collected with <see cref="Unknown"/>).</para>
/// <para>JSON <c>null</c> is a no-op, as for Go's value fields: the getters treat it as absent and an earlier
/// non-null key of the same field still counts.</para>
/// <para>Lifetime: nothing is cloned. Elements handed out (<see cref="Raw"/>, <see cref="Element"/>) point into
/// the document the caller parsed; our parsers deliberately never dispose those documents (Dispose only returns
/// pooled buffers, and a plugin process is short-lived), so the elements stay valid as long as they are held.</para>
/// <para>Errors are <see cref="GoJsonException"/>: "json: cannot unmarshal KIND into Go struct field
/// OWNER.PATH of type GOTYPE", where OWNER is the innermost Go struct's type name and PATH the JSON names from
/// the root, as Go 1.20+ prints them.</para>
/// </remarks>
public readonly struct JsonFields
{
    private readonly string _path;

    private JsonFields(JsonElement element, string owner, string path)
    {
        Element = element;
        Owner = owner;
        _path = path;
    }

    /// <summary>The object; <c>default</c> (Undefined) when this object was absent or null.</summary>
    public JsonElement Element { get; }

    /// <summary>Go struct type name used in error messages ("NetConf").</summary>
    public string Owner { get; }

    /// <summary>False when the object was absent or JSON null (Go leaves the zero value).</summary>
    public bool Exists => Element.ValueKind == JsonValueKind.Object;

    /// <summary>
    /// The top-level value decoded into a Go struct of type <paramref name="goType"/> ("types.NetConf"). JSON
    /// null gives an absent object; anything but an object throws "json: cannot unmarshal array into Go value
    /// of type types.NetConf". <paramref name="owner"/> defaults to the type's name without its package.
    /// </summary>
    public static JsonFields Root(JsonElement element, string goType, string? owner = null)
    {
        var kind = element.ValueKind;
        if (kind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
            throw new GoJsonException($"json: cannot unmarshal {GoKind(element)} into Go value of type {goType}");
        return new JsonFields(kind == JsonValueKind.Object ? element : default, owner ?? StructName(goType), "");
    }

    /// <summary>The last non-null value whose key matches <paramref name="name"/> (see remarks).</summary>
    public bool TryGet(string name, out JsonElement value)
    {
        value = default;
        if (Element.ValueKind != JsonValueKind.Object) return false;
        var found = false;
        foreach (var p in Element.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null || !KeyMatches(p, name)) continue;
            value = p.Value;
            found = true;
        }
        return found;
    }

    public string? String(string name)
    {
        if (!TryGet(name, out var v)) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Mismatch(v, name, "string");
    }

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Mismatch(v, name, "bool"),
        };
    }

    /// <summary>An integer that fits an int; "1.5", "1e3" and out-of-range numbers are errors.</summary>
    public int? Int(string name) => TryGet(name, out var v) ? ToInt(v, name) : null;

    /// <summary>A non-negative integer that fits a uint (Go's type name "uint").</summary>
    public uint? UInt(string name)
    {
        if (!TryGet(name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetUInt32(out var n) ? n : throw Mismatch(v, name, "uint");
    }

    /// <summary>An integer that fits an int64.</summary>
    public long? Long(string name)
    {
        if (!TryGet(name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : throw Mismatch(v, name, "int64");
    }

    /// <summary>A non-negative integer that fits a uint64; "1.5", "1e3", "-1" are errors naming the number, as Go's.</summary>
    public ulong? ULong(string name)
    {
        if (!TryGet(name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var n) ? n : throw Mismatch(v, name, "uint64");
    }

    /// <summary>
    /// Whether a key matching <paramref name="name"/> is present at all, JSON null included: Go allocates an
    /// embedded pointer struct as soon as one of its fields is named (bandwidth's top-level entry).
    /// </summary>
    public bool Has(string name)
    {
        if (Element.ValueKind != JsonValueKind.Object) return false;
        foreach (var p in Element.EnumerateObject())
            if (KeyMatches(p, name)) return true;
        return false;
    }

    /// <summary>A Go []string: a null entry becomes "" as in Go.</summary>
    public List<string>? StringList(string name)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Mismatch(v, name, "[]string");
        var list = new List<string>(v.GetArrayLength());
        foreach (var item in v.EnumerateArray())
        {
            list.Add(item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Null => "",
                _ => throw Mismatch(item, name, "string"),
            });
        }
        return list;
    }

    /// <summary>A Go map[string]bool: keys are taken as written (maps do not fold), a null value is false.</summary>
    public Dictionary<string, bool>? BoolMap(string name)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Object) throw Mismatch(v, name, "map[string]bool");
        var map = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            map[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw Mismatch(p.Value, name, "bool"),
            };
        }
        return map;
    }

    /// <summary>
    /// A nested struct of type <paramref name="goType"/> ("types.DNS"); absent (see <see cref="Exists"/>) when
    /// missing or null. Errors inside it name <paramref name="owner"/>, by default the nested type's name; pass
    /// the outer owner for Go types with their own UnmarshalJSON, whose errors Go re-labels with the outer struct.
    /// </summary>
    public JsonFields Object(string name, string goType, string? owner = null)
    {
        if (!TryGet(name, out var v)) return new JsonFields(default, owner ?? StructName(goType), _path + name + ".");
        if (v.ValueKind != JsonValueKind.Object) throw Mismatch(v, name, goType);
        return new JsonFields(v, owner ?? StructName(goType), _path + name + ".");
    }

    /// <summary>
    /// A Go slice of structs, <paramref name="sliceType"/> being e.g. "[]*types100.IPConfig". A null entry is an
    /// absent object in the array (callers skip it); absent or null gives an empty array.
    /// </summary>
    public JsonFields[] Objects(string name, string sliceType, string? owner = null)
    {
        if (!TryGet(name, out var v)) return [];
        if (v.ValueKind != JsonValueKind.Array) throw Mismatch(v, name, sliceType);
        var elementType = sliceType.TrimStart('[', ']', '*');
        owner ??= StructName(elementType);
        var items = new JsonFields[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)) throw Mismatch(item, name, elementType);
            items[i++] = new JsonFields(item.ValueKind == JsonValueKind.Object ? item : default, owner, _path + name + ".");
        }
        return items;
    }

    /// <summary>
    /// The items of a Go slice whose elements the caller decodes itself (e.g. <c>[]allocator.RangeSet</c>, a slice of
    /// slices); absent or null gives an empty array, anything but an array is a mismatch against
    /// <paramref name="sliceType"/>. Pair with <see cref="Item"/> to read an item as a struct.
    /// </summary>
    public JsonElement[] Items(string name, string sliceType)
    {
        if (!TryGet(name, out var v)) return [];
        if (v.ValueKind != JsonValueKind.Array) throw Mismatch(v, name, sliceType);
        var items = new JsonElement[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray()) items[i++] = item;
        return items;
    }

    /// <summary>
    /// An item found under field <paramref name="name"/> (at any slice depth) read as a struct of type
    /// <paramref name="goType"/>: errors inside it read "OWNER.path.name.field"; null is an absent object.
    /// </summary>
    public JsonFields Item(string name, JsonElement item, string goType, string? owner = null)
    {
        if (item.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)) throw Mismatch(item, name, goType);
        return new JsonFields(item.ValueKind == JsonValueKind.Object ? item : default, owner ?? StructName(goType), _path + name + ".");
    }

    /// <summary>Any JSON value, uninterpreted (Go's json.RawMessage / interface{}); null is absent. Not cloned.</summary>
    public JsonElement? Raw(string name) => TryGet(name, out var v) ? v : null;

    /// <summary>
    /// The keys that match none of <paramref name="known"/> (case-insensitively), null values included, later
    /// duplicates winning; null when there are none.
    /// </summary>
    public Dictionary<string, JsonElement>? Unknown(ReadOnlySpan<string> known)
    {
        if (Element.ValueKind != JsonValueKind.Object) return null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Element.EnumerateObject())
        {
            var isKnown = false;
            foreach (var k in known)
            {
                if (KeyMatches(p, k)) { isKnown = true; break; }
            }
            if (!isKnown) (extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[p.Name] = p.Value;
        }
        return extra;
    }

    /// <summary>The error for a value of the wrong JSON kind in field <paramref name="name"/> of this object.</summary>
    public GoJsonException Mismatch(JsonElement value, string name, string goType) =>
        new($"json: cannot unmarshal {GoKind(value, goType)} into Go struct field {Owner}.{_path}{name} of type {goType}");

    private int ToInt(JsonElement v, string name) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw Mismatch(v, name, "int");

    /// <summary>
    /// Go's description of the offending value: "number 1.5" when a number does not fit a numeric type,
    /// otherwise the JSON kind.
    /// </summary>
    private static string GoKind(JsonElement value, string? goType = null) => value.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number when goType is "int" or "uint" or "int64" or "uint64" or "uint32" => "number " + value.GetRawText(),
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };

    /// <summary>"types.NetConf" → "NetConf", "*types020.IPConfig" → "IPConfig".</summary>
    private static string StructName(string goType)
    {
        var dot = goType.LastIndexOf('.');
        return dot >= 0 ? goType[(dot + 1)..] : goType.TrimStart('*');
    }

    /// <summary>
    /// Go's key match for an ASCII field name: equal after ASCII case folding, where a key may also use ſ for s
    /// and ı for i (Go folds keys with unicode.ToUpper). Reads the raw UTF-8 key; escaped keys take the slow path.
    /// </summary>
    internal static bool KeyMatches(JsonProperty property, string name)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Length < name.Length) return false;
        if (raw.Length == name.Length)
        {
            var i = 0;
            for (; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b >= 0x80 || b == '\\') break;
                if (!AsciiFoldEquals((char)b, name[i])) return false;
            }
            if (i == raw.Length) return true;
        }
        else if (raw.IndexOfAnyInRange((byte)0x80, (byte)0xff) < 0 && raw.IndexOf((byte)'\\') < 0)
        {
            return false;
        }
        var key = property.Name;
        if (key.Length != name.Length) return false;
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            var t = name[i];
            if (AsciiFoldEquals(c, t)) continue;
            if (c == '\u017F' && t is 's' or 'S') continue;
            if (c == '\u0131' && t is 'i' or 'I') continue;
            return false;
        }
        return true;
    }

    private static bool AsciiFoldEquals(char a, char b) =>
        a == b || ((a | 0x20) == (b | 0x20) && (a | 0x20) is >= 'a' and <= 'z');
}
