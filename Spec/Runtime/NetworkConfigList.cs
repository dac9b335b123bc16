using System.Text;
using System.Text.Json;
using CniBox.Spec.Config;
using CniBox.Spec.Json;

namespace CniBox.Spec.Runtime;

/// <summary>
/// A network as libcni runs it: the parsed list, its plugins (inlined ones, then <c>&lt;dir&gt;/&lt;name&gt;/*.conf</c>),
/// the bytes that go into the result cache, and where it was read from.
/// </summary>
public sealed class NetworkConfigList
{
    public required string Name { get; init; }
    public required string CniVersion { get; init; }
    public bool DisableCheck { get; init; }
    public bool DisableGC { get; init; }
    public bool LoadOnlyInlinedPlugins { get; init; }
    public required IReadOnlyList<JsonElement> Plugins { get; init; }
    /// <summary>The conflist file's bytes, or for a single .conf the list libcni builds around it.</summary>
    public required byte[] Bytes { get; init; }
    /// <summary>The file it came from; null when built from bytes.</summary>
    public string? File { get; init; }
    /// <summary>Where each plugin came from: the list file, or its own file under <c>&lt;dir&gt;/&lt;name&gt;/</c>.</summary>
    public IReadOnlyList<string?> PluginFiles { get; init; } = [];

    /// <summary>libcni <c>NetworkConfFromBytes</c>: inlined plugins only.</summary>
    public static NetworkConfigList FromBytes(byte[] bytes, string? file = null) => From(NetConfList.Parse(bytes), bytes, file, []);

    internal static NetworkConfigList From(NetConfList list, byte[] bytes, string? file, IReadOnlyList<(JsonElement Plugin, string File)> appended)
    {
        var plugins = new List<JsonElement>(list.Plugins);
        var pluginFiles = new List<string?>(list.Plugins.Count + appended.Count);
        for (var i = 0; i < list.Plugins.Count; i++) pluginFiles.Add(file);
        foreach (var (plugin, pluginFile) in appended)
        {
            plugins.Add(plugin);
            pluginFiles.Add(pluginFile);
        }
        return new()
        {
            Name = list.Name,
            CniVersion = list.CniVersion,
            DisableCheck = list.DisableCheck,
            DisableGC = list.DisableGC,
            LoadOnlyInlinedPlugins = list.LoadOnlyInlinedPlugins,
            Plugins = plugins,
            PluginFiles = pluginFiles,
            Bytes = bytes,
            File = file,
        };
    }

    /// <summary>
    /// libcni <c>ConfListFromConf</c>: a single plugin config becomes
    /// <c>{"cniVersion":…,"name":…,"plugins":[conf]}</c>, marshalled through a Go map.
    /// </summary>
    public static NetworkConfigList FromSingleConf(JsonElement conf, string? file = null)
    {
        var header = PluginHeader.Of(conf);
        var version = "";
        foreach (var p in conf.EnumerateObject())
            if (p.Name.Equals("cniVersion", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                version = p.Value.GetString()!;
        var w = new GoJsonWriter(indented: false).StartObject()
            .Property("cniVersion", version)
            .Property("name", header.Name)
            .Name("plugins").StartArray();
        GoGenericJson.Write(w, conf);
        var bytes = Encoding.UTF8.GetBytes(w.EndArray().EndObject().ToString());
        return FromBytes(bytes, file);
    }
}
