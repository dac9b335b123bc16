using System.Text.Json.Nodes;

namespace CniBox.Tests.Support;

/// <summary>Result JSON in a form two CNI library generations print alike.</summary>
public static class CniJson
{
    /// <summary>
    /// Keys sorted, an empty top-level <c>dns</c> dropped: Debian's cni 1.1.2 prints 1.x results in struct order
    /// with "dns": {}; cni >= 1.2 (the current reference, and we) sorts keys and omits an empty dns.
    /// </summary>
    public static string Canonical(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        if (node["dns"] is JsonObject { Count: 0 }) node.Remove("dns");
        return Sorted(node)!.ToJsonString();
    }

    /// <summary>A deep copy with every object's keys in ordinal order; array order is kept.</summary>
    public static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    /// <summary>The config with <c>prevResult</c> set to <paramref name="result"/>, as a runtime sends it to CHECK.</summary>
    public static string WithPrevResult(string conf, string result) => conf[..^1] + ",\"prevResult\":" + result + "}";
}
