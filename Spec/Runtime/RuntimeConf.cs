using CniBox.Spec.Json;
using System.Text.Json;

namespace CniBox.Spec.Runtime;

/// <summary>
/// libcni's RuntimeConf: the arguments of one attachment besides the config. <see cref="CapabilityArgs"/> is the
/// runtime's capability data (CAP_ARGS), of which each plugin gets only the keys it declares in <c>capabilities</c>.
/// </summary>
public sealed record RuntimeConf(string ContainerId, string NetNs, string IfName)
{
    public IReadOnlyList<KeyValuePair<string, string>> Args { get; init; } = [];
    public IReadOnlyDictionary<string, JsonElement>? CapabilityArgs { get; init; }

    /// <summary>CNI_ARGS as the plugin sees it: <c>K=V;K2=V2</c>.</summary>
    public string ArgsText => string.Join(';', Args.Select(a => $"{a.Key}={a.Value}"));

    /// <summary>CAP_ARGS as cnitool reads it: a JSON object (or null); anything else is an error.</summary>
    public static IReadOnlyDictionary<string, JsonElement>? ParseCapabilityArgs(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            using var doc = GoJsonInput.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Null) return null;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CniRuntimeException(
                    $"CAP_ARGS: json: cannot unmarshal {Json.GoText.TypeName(root.ValueKind) switch { "float64" => "number", "[]interface {}" => "array", var t => t }} into Go value of type map[string]interface {{}}");
            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject()) result[p.Name] = p.Value.Clone();
            return result;
        }
        catch (JsonException e)
        {
            throw new CniRuntimeException("CAP_ARGS: invalid JSON: " + e.Message);
        }
    }
}

/// <summary>One cached attachment of a network (libcni <c>NetworkAttachment</c>).</summary>
public sealed record CachedAttachment(string ContainerId, string Network, string IfName, byte[] Config, string NetNs)
{
    public IReadOnlyList<KeyValuePair<string, string>> CniArgs { get; init; } = [];
    public IReadOnlyDictionary<string, JsonElement>? CapabilityArgs { get; init; }
}


/// <summary>A runtime-side failure, with libcni's message text (plugin errors print as <c>msg; details</c>).</summary>
public sealed class CniRuntimeException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Go's <c>err.Error()</c> for anything we throw: a CNI error is <c>msg</c> or <c>msg; details</c>.</summary>
    public static string Describe(Exception e) => e switch
    {
        CniException { Details: { Length: > 0 } details } c => $"{c.Msg}; {details}",
        CniException c => c.Msg,
        _ => e.Message,
    };
}
