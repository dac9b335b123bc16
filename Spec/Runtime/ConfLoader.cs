using System.Text.Json;
using CniBox.Spec.Config;
using CniBox.Spec.Json;

namespace CniBox.Spec.Runtime;

/// <summary>One network file as <c>cnitool list</c> shows it.</summary>
public sealed record NetworkSummary(string File, string? Name, string? CniVersion, IReadOnlyList<string> PluginTypes, string? Error)
{
    /// <summary>An earlier file already defines this name, so lookups never reach this one.</summary>
    public bool Shadowed { get; init; }
}

/// <summary>
/// libcni's <c>LoadNetworkConf</c>: <c>*.conflist</c> in lexical order, then <c>*.conf</c>/<c>*.json</c> (each wrapped as a
/// one-plugin list); the first with the name wins, and a file that does not parse stops the lookup, as upstream.
/// Beyond upstream, errors name the file, and "not found" lists the networks that exist.
/// </summary>
public static class ConfLoader
{
    public const string DefaultDir = "/etc/cni/net.d";

    public static NetworkConfigList Load(string dir, string name)
    {
        var lists = ConfFiles(dir, ".conflist");
        var seen = new List<(string Name, string File)>();
        foreach (var file in lists)
        {
            var list = LoadListFile(file);
            if (list.Name == name) return list;
            seen.Add((list.Name, file));
        }
        var singles = ConfFiles(dir, ".conf", ".json");
        if (singles.Count == 0 && lists.Count == 0)
            throw new CniRuntimeException($"no net configurations found in {dir}");
        foreach (var file in singles)
        {
            var conf = LoadPluginFile(file);
            var confName = PluginHeader.Of(conf).Name;
            if (confName == name) return Wrap(() => NetworkConfigList.FromSingleConf(conf, file), file);
            seen.Add((confName, file));
        }
        var found = new List<string>(seen.Count);
        foreach (var (seenName, seenFile) in seen) found.Add($"{GoText.Quote(seenName)} ({Path.GetFileName(seenFile)})");
        var existing = seen.Count == 0 ? "" : "; networks found: " + string.Join(", ", found);
        throw new CniRuntimeException($"no net configuration with name {GoText.Quote(name)} in {dir}{existing}");
    }

    /// <summary>libcni <c>NetworkConfFromFile</c>: the list plus <c>&lt;dir&gt;/&lt;name&gt;/*.conf</c> unless loadOnlyInlinedPlugins.</summary>
    public static NetworkConfigList LoadListFile(string file)
    {
        var bytes = Read(file);
        var list = Wrap(() => NetConfList.Parse(bytes), file);
        List<(JsonElement, string)> appended = [];
        if (!list.LoadOnlyInlinedPlugins)
        {
            var pluginDir = Path.Combine(Path.GetDirectoryName(file) ?? ".", list.Name);
            foreach (var pluginFile in ConfFiles(pluginDir, ".conf"))
                appended.Add((LoadPluginFile(pluginFile), pluginFile));
        }
        if (list.Plugins.Count + appended.Count == 0)
            throw new CniRuntimeException($"{file}: no plugin configs found");
        return NetworkConfigList.From(list, bytes, file, appended);
    }

    /// <summary>Every network file in lookup order, each parsed on its own so one bad file does not hide the rest.</summary>
    public static IReadOnlyList<NetworkSummary> ListNetworks(string dir)
    {
        var summaries = new List<NetworkSummary>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Add(NetworkSummary s)
        {
            summaries.Add(s.Name is { } n && !names.Add(n) ? s with { Shadowed = true } : s);
        }
        foreach (var file in ConfFiles(dir, ".conflist"))
        {
            try
            {
                var list = LoadListFile(file);
                Add(new NetworkSummary(file, list.Name, list.CniVersion, PluginTypes(list), null));
            }
            catch (Exception e) when (e is CniRuntimeException or CniException)
            {
                summaries.Add(new NetworkSummary(file, null, null, [], CniRuntimeException.Describe(e)));
            }
        }
        foreach (var file in ConfFiles(dir, ".conf", ".json"))
        {
            try
            {
                var list = NetworkConfigList.FromSingleConf(LoadPluginFile(file), file);
                Add(new NetworkSummary(file, list.Name, list.CniVersion, PluginTypes(list), null));
            }
            catch (Exception e) when (e is CniRuntimeException or CniException)
            {
                summaries.Add(new NetworkSummary(file, null, null, [], CniRuntimeException.Describe(e)));
            }
        }
        return summaries;
    }

    /// <summary>libcni <c>ConfFiles</c>: files (not dirs) with one of the extensions, sorted; a missing dir has none.</summary>
    public static IReadOnlyList<string> ConfFiles(string dir, params string[] extensions)
    {
        if (!Directory.Exists(dir)) return [];
        var files = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(dir))
            if (Array.IndexOf(extensions, Path.GetExtension(path)) >= 0 && !Directory.Exists(path)) files.Add(path);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static List<string> PluginTypes(NetworkConfigList list)
    {
        var types = new List<string>(list.Plugins.Count);
        foreach (var plugin in list.Plugins) types.Add(PluginHeader.Of(plugin).Type);
        return types;
    }

    /// <summary>libcni <c>NetworkPluginConfFromBytes</c>: a JSON object with a non-empty <c>type</c>.</summary>
    private static JsonElement LoadPluginFile(string file)
    {
        var bytes = Read(file);
        JsonElement conf;
        try
        {
            using var doc = GoJsonInput.Parse(bytes);
            conf = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CniRuntimeException($"{file}: error parsing configuration: {e.Message}");
        }
        if (conf.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            throw new CniRuntimeException($"{file}: error parsing configuration: json: cannot unmarshal {GoKind(conf.ValueKind)} into Go value of type types.PluginConf");
        if (PluginHeader.Of(conf).Type == "")
            throw new CniRuntimeException($"{file}: error parsing configuration: missing 'type'");
        return conf;
    }

    private static byte[] Read(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniRuntimeException($"error reading {file}: {e.Message}", e);
        }
    }

    private static T Wrap<T>(Func<T> parse, string file)
    {
        try
        {
            return parse();
        }
        catch (CniException e)
        {
            throw new CniRuntimeException($"{file}: {CniRuntimeException.Describe(e)}", e);
        }
    }

    private static string GoKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.Null => "null",
        _ => "bool",
    };
}
