using System.Text.Json;
using CniBox.Spec.Json;

namespace CniBox.Spec.Config;

/// <summary>
/// A network configuration list (.conflist) as libcni's <c>NetworkConfFromBytes</c> reads it, including its
/// version selection and its error texts. Each plugin stays raw JSON so unknown keys pass through.
/// </summary>
public sealed class NetConfList
{
    private const string Prefix = "error parsing configuration list: ";

    public string CniVersion { get; private init; } = "";
    public string Name { get; private init; } = "";
    public bool DisableCheck { get; private init; }
    public bool DisableGC { get; private init; }
    public bool LoadOnlyInlinedPlugins { get; private init; }
    public IReadOnlyList<JsonElement> Plugins { get; private init; } = [];
    public byte[] Raw { get; private init; } = [];

    /// <summary>Errors are code 6 for undecodable JSON and 7 for a config libcni refuses.</summary>
    public static NetConfList Parse(ReadOnlySpan<byte> json)
    {
        var raw = json.ToArray();
        Dictionary<string, JsonElement> keys = new(StringComparer.Ordinal);
        try
        {
            // Not disposed on purpose: Plugins point into it (see JsonFields); libcni's map keeps exact keys.
            var doc = GoJsonInput.Parse(raw);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in root.EnumerateObject()) keys[p.Name] = p.Value;
            }
            else if (root.ValueKind != JsonValueKind.Null)
            {
                throw Invalid($"json: cannot unmarshal {GoKind(root.ValueKind)} into Go value of type map[string]interface {{}}", ErrorCode.DecodingFailure);
            }
        }
        catch (JsonException e)
        {
            throw Invalid(JsonErrors.Describe(e), ErrorCode.DecodingFailure);
        }

        if (!keys.TryGetValue("name", out var rawName)) throw Invalid("no name");
        if (rawName.ValueKind != JsonValueKind.String) throw Invalid($"invalid name type {GoText.TypeName(rawName.ValueKind)}");

        var cniVersion = "";
        if (keys.TryGetValue("cniVersion", out var rawVersion))
        {
            if (rawVersion.ValueKind != JsonValueKind.String)
                throw Invalid($"invalid cniVersion type {GoText.TypeName(rawVersion.ValueKind)}");
            cniVersion = rawVersion.GetString()!;
        }
        if (keys.TryGetValue("cniVersions", out var rawVersions)) cniVersion = SelectVersion(rawVersions, cniVersion);

        var disableCheck = ReadBool(keys, "disableCheck");
        var disableGC = ReadBool(keys, "disableGC");
        var loadOnlyInlined = ReadBool(keys, "loadOnlyInlinedPlugins");
        List<JsonElement> plugins = [];
        if (keys.TryGetValue("plugins", out var rawPlugins))
        {
            if (rawPlugins.ValueKind != JsonValueKind.Array) throw Invalid($"invalid 'plugins' type {GoText.TypeName(rawPlugins.ValueKind)}");
            if (rawPlugins.GetArrayLength() == 0) throw Invalid("no plugins in list");
            plugins = rawPlugins.EnumerateArray().ToList();
            for (var i = 0; i < plugins.Count; i++) ValidatePlugin(plugins[i], i);
        }
        else if (loadOnlyInlined)
        {
            throw Invalid("`loadOnlyInlinedPlugins` is true, and no 'plugins' key");
        }
        return new NetConfList
        {
            Name = rawName.GetString()!,
            CniVersion = cniVersion,
            DisableCheck = disableCheck,
            DisableGC = disableGC,
            LoadOnlyInlinedPlugins = loadOnlyInlined,
            Plugins = plugins,
            Raw = raw,
        };
    }

    /// <summary>Entries above 1.1.0 are dropped, cniVersion joins if not above it, and the highest wins.</summary>
    private static string SelectVersion(JsonElement rawVersions, string cniVersion)
    {
        if (rawVersions.ValueKind != JsonValueKind.Array) throw Invalid("invalid type for cniVersions: []interface {}");
        var candidates = new List<string>();
        var index = 0;
        foreach (var rv in rawVersions.EnumerateArray())
        {
            if (rv.ValueKind != JsonValueKind.String)
                throw Invalid($"invalid type for cniVersions index {index}: {GoText.TypeName(rv.ValueKind)}");
            var v = rv.GetString()!;
            if (!Spec.CniVersion.TryParse(v, out _))
                throw Invalid($"invalid cniVersions entry {v} at index {index}: invalid version {GoText.Quote(v)}");
            if (Spec.CniVersion.Compare(v, Spec.CniVersion.Current) <= 0) candidates.Add(v);
            index++;
        }
        if (cniVersion != "")
        {
            if (!Spec.CniVersion.TryParse(cniVersion, out _))
                throw Invalid($"invalid cniVersion {cniVersion}: invalid version {GoText.Quote(cniVersion)}");
            if (Spec.CniVersion.Compare(cniVersion, Spec.CniVersion.Current) <= 0) candidates.Add(cniVersion);
        }
        return candidates.Count == 0 ? cniVersion : candidates.MaxBy(v => Spec.CniVersion.TryParse(v, out var t) ? t : default)!;
    }

    private static bool ReadBool(Dictionary<string, JsonElement> keys, string key)
    {
        if (!keys.TryGetValue(key, out var v)) return false;
        switch (v.ValueKind)
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.String:
                var s = v.GetString()!.ToLowerInvariant();
                return s switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw Invalid($"invalid value {GoText.Quote(s)} for {key}"),
                };
            default:
                throw Invalid($"invalid type {GoText.TypeName(v.ValueKind)} for {key}");
        }
    }

    private static void ValidatePlugin(JsonElement plugin, int index)
    {
        NetConf conf;
        try
        {
            conf = NetConf.FromElement(plugin);
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"failed to parse plugin config {index}: error parsing configuration: {JsonErrors.Describe(e)}");
        }
        if (string.IsNullOrEmpty(conf.Type))
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"failed to parse plugin config {index}: error parsing configuration: missing 'type'");
    }

    private static string GoKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        _ => "bool",
    };

    private static CniException Invalid(string message, int code = ErrorCode.InvalidNetworkConfig) => new(code, Prefix + message);
}
