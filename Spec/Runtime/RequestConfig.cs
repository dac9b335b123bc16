using System.Text;
using System.Text.Json;
using CniBox.Spec.Json;
using CniBox.Spec.Config;

namespace CniBox.Spec.Runtime;

/// <summary>The fields of a plugin object libcni reads itself (Go struct matching: keys are case-insensitive).</summary>
public sealed record PluginHeader(string Type, string Name, IReadOnlyList<string> Capabilities)
{
    public static PluginHeader Of(JsonElement plugin)
    {
        string type = "", name = "";
        List<string> caps = [];
        if (plugin.ValueKind != JsonValueKind.Object) return new(type, name, caps);
        foreach (var p in plugin.EnumerateObject())
        {
            if (p.Name.Equals("type", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                type = p.Value.GetString()!;
            else if (p.Name.Equals("name", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                name = p.Value.GetString()!;
            else if (p.Name.Equals("capabilities", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.Object)
            {
                caps.Clear();
                foreach (var c in p.Value.EnumerateObject())
                {
                    caps.Remove(c.Name);
                    if (c.Value.ValueKind == JsonValueKind.True) caps.Add(c.Name);
                }
            }
        }
        return new(type, name, caps);
    }

    /// <summary>libcni's <c>pluginDescription</c>: <c>type="bridge"</c>, plus <c> name="x"</c> when the plugin has one.</summary>
    public string Description => Name.Length > 0 ? $"type={GoText.Quote(Type)} name={GoText.Quote(Name)}" : $"type={GoText.Quote(Type)}";
}

/// <summary>
/// The stdin libcni gives each plugin (<c>buildOneConfig</c>, <c>InjectConf</c>, <c>injectRuntimeConfig</c>), byte for
/// byte: the plugin's raw object re-marshalled through a Go map (sorted keys at every level, float64 numbers), with
/// <c>name</c> and <c>cniVersion</c> from the list, <c>prevResult</c> when given, and <c>runtimeConfig</c> holding the
/// capability args the plugin declares (replacing any <c>runtimeConfig</c> it had). <c>capabilities</c> stays.
/// </summary>
public static class RequestConfig
{
    /// <param name="prevResultJson">The result as Go marshals the typed result: compact, in its own version's key order.</param>
    public static byte[] Build(JsonElement plugin, string name, string cniVersion, string? prevResultJson,
        IReadOnlyDictionary<string, JsonElement>? capabilityArgs)
    {
        var inject = new List<(string Key, string Json)>
        {
            ("name", Quoted(name)),
            ("cniVersion", Quoted(cniVersion)),
        };
        if (prevResultJson is not null) inject.Add(("prevResult", prevResultJson));
        var first = Inject(plugin, inject);

        // injectRuntimeConfig runs InjectConf a second time, so everything (prevResult too) goes through a map again.
        var runtimeConfig = RuntimeConfig(plugin, capabilityArgs);
        if (runtimeConfig is null) return Encoding.UTF8.GetBytes(first);
        using var doc = GoJsonInput.Parse(first);
        return Encoding.UTF8.GetBytes(Inject(doc.RootElement, [("runtimeConfig", runtimeConfig)]));
    }

    /// <summary>
    /// GC and STATUS configs: only <c>name</c> and <c>cniVersion</c>; for GC with runtime arguments also
    /// <c>cni.dev/valid-attachments</c> and its alias <c>cni.dev/attachments</c>.
    /// </summary>
    public static byte[] BuildForList(JsonElement plugin, string name, string cniVersion, IReadOnlyList<Attachment>? validAttachments = null)
    {
        var inject = new List<(string Key, string Json)>
        {
            ("name", Quoted(name)),
            ("cniVersion", Quoted(cniVersion)),
        };
        if (validAttachments is not null)
        {
            var w = new GoJsonWriter(indented: false).StartArray();
            foreach (var a in validAttachments)
                w.StartObject().Property("containerID", a.ContainerId).Property("ifname", a.IfName).EndObject();
            var list = w.EndArray().ToString();
            inject.Add((GcAttachments.ValidKey, list));
            inject.Add((GcAttachments.AliasKey, list));
        }
        return Encoding.UTF8.GetBytes(Inject(plugin, inject));
    }

    /// <summary>The compact <c>{cap: CAP_ARGS[cap]}</c> object, sorted, or null when the plugin gets none.</summary>
    private static string? RuntimeConfig(JsonElement plugin, IReadOnlyDictionary<string, JsonElement>? capabilityArgs)
    {
        if (capabilityArgs is null || capabilityArgs.Count == 0) return null;
        var selected = new SortedDictionary<string, JsonElement>(GoGenericJson.KeyOrder);
        foreach (var cap in PluginHeader.Of(plugin).Capabilities)
            if (capabilityArgs.TryGetValue(cap, out var data)) selected[cap] = data;
        if (selected.Count == 0) return null;
        var w = new GoJsonWriter(indented: false).StartObject();
        foreach (var (key, value) in selected)
        {
            w.Name(key);
            GoGenericJson.Write(w, value);
        }
        return w.EndObject().ToString();
    }

    private static string Inject(JsonElement plugin, IReadOnlyList<(string Key, string Json)> values)
    {
        var members = new SortedDictionary<string, (JsonElement? Element, string? Json)>(GoGenericJson.KeyOrder);
        if (plugin.ValueKind == JsonValueKind.Object)
            foreach (var (key, value) in GoGenericJson.Members(plugin)) members[key] = (value, null);
        foreach (var (key, json) in values) members[key] = (null, json);
        var w = new GoJsonWriter(indented: false).StartObject();
        foreach (var (key, (element, json)) in members)
        {
            w.Name(key);
            if (json is not null) w.Literal(json);
            else GoGenericJson.Write(w, element!.Value);
        }
        return w.EndObject().ToString();
    }

    private static string Quoted(string s)
    {
        var sb = new StringBuilder();
        GoJsonWriter.AppendQuoted(sb, s);
        return sb.ToString();
    }
}
