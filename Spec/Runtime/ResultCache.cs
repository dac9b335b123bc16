using System.Text;
using System.Text.Json;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Spec.Runtime;

/// <summary>
/// libcni's result cache: <c>&lt;cacheDir&gt;/results/&lt;net&gt;-&lt;cid&gt;-&lt;ifname&gt;</c> (dir 0700, file 0600), one compact
/// object per attachment in libcni's field order, so containerd, podman and cnitool on one host see the same state.
/// </summary>
public sealed class ResultCache(string cacheDir)
{
    public const string DefaultDir = "/var/lib/cni";
    public const string KindV1 = "cniCacheV1";

    private const UnixFileMode DirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode CacheFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string CacheDir { get; } = string.IsNullOrEmpty(cacheDir) ? DefaultDir : cacheDir;
    public string ResultsDir => Path.Combine(CacheDir, "results");

    public string PathFor(string network, RuntimeConf rt)
    {
        if (network == "" || rt.ContainerId == "" || rt.IfName == "")
            throw new CniRuntimeException(
                $"cache file path requires network name ({GoText.Quote(network)}), container ID ({GoText.Quote(rt.ContainerId)}), and interface name ({GoText.Quote(rt.IfName)})");
        return Path.Combine(ResultsDir, $"{network}-{rt.ContainerId}-{rt.IfName}");
    }

    /// <summary>The file's bytes: kind, containerId, config (base64), ifName, networkName, netns?, cniArgs?, capabilityArgs?, result.</summary>
    public static string Serialize(CniResult result, byte[] config, string network, RuntimeConf rt)
    {
        var w = new GoJsonWriter(indented: false).StartObject()
            .Property("kind", KindV1)
            .Property("containerId", rt.ContainerId)
            .Property("config", Convert.ToBase64String(config))
            .Property("ifName", rt.IfName)
            .Property("networkName", network);
        if (rt.NetNs != "") w.Property("netns", rt.NetNs);
        if (rt.Args.Count > 0)
        {
            w.Name("cniArgs").StartArray();
            foreach (var (k, v) in rt.Args) w.StartArray().String(k).String(v).EndArray();
            w.EndArray();
        }
        if (rt.CapabilityArgs is { Count: > 0 } caps)
        {
            w.Name("capabilityArgs").StartObject();
            foreach (var (key, value) in new SortedDictionary<string, JsonElement>(caps.ToDictionary(), GoGenericJson.KeyOrder))
            {
                w.Name(key);
                GoGenericJson.Write(w, value);
            }
            w.EndObject();
        }
        // The typed result is marshalled, read back into a map and marshalled again: sorted keys everywhere.
        using (var doc = JsonDocument.Parse(result.ToJson(result.CniVersion, indented: false)))
        {
            w.Name("result");
            GoGenericJson.Write(w, doc.RootElement);
        }
        return w.EndObject().ToString();
    }

    public void Save(CniResult result, byte[] config, string network, RuntimeConf rt)
    {
        var path = PathFor(network, rt);
        StateDirectories.Create(ResultsDir, DirMode);
        var bytes = Encoding.UTF8.GetBytes(Serialize(result, config, network, rt));
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = System.IO.FileMode.Create, Access = FileAccess.Write, UnixCreateMode = CacheFileMode,
        });
        file.Write(bytes);
    }

    /// <summary>Removes the attachment's file; a missing file or an incomplete key is not an error.</summary>
    public void Delete(string network, RuntimeConf rt)
    {
        if (network == "" || rt.ContainerId == "" || rt.IfName == "") return;
        try
        {
            File.Delete(PathFor(network, rt));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>
    /// libcni <c>getCachedResult</c>: the cached ADD result converted to <paramref name="cniVersion"/>, or null when
    /// there is no file. A file without the v1 kind is read as a bare result (the legacy layout).
    /// </summary>
    public CniResult? GetResult(string network, string cniVersion, RuntimeConf rt)
    {
        var path = PathFor(network, rt);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var raw = TryReadV1(data)?.Result is { } r ? Encoding.UTF8.GetBytes(GoGenericJson.Marshal(r)) : data;
        var result = CniResult.Parse(raw);
        try
        {
            // Converting checks the target can hold it (e.g. 0.2.0 needs an IP).
            _ = result.ToJson(cniVersion, indented: false);
        }
        catch (CniException e)
        {
            throw new CniRuntimeException($"failed to convert cached result to config version {GoText.Quote(cniVersion)}: {CniRuntimeException.Describe(e)}", e);
        }
        result.CniVersion = cniVersion;
        return result;
    }

    /// <summary>
    /// libcni <c>GetCachedAttachments</c>: v1 files (sorted by name) with an ifName and a networkName; with a container
    /// id only files whose name holds <c>-&lt;cid&gt;-</c> and whose containerId matches. A missing dir has none.
    /// </summary>
    public IReadOnlyList<CachedAttachment> GetCachedAttachments(string? containerId = null)
    {
        if (!Directory.Exists(ResultsDir)) return [];
        var names = Directory.EnumerateFiles(ResultsDir).Select(Path.GetFileName).OfType<string>()
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
        var attachments = new List<CachedAttachment>();
        foreach (var name in names)
        {
            if (!string.IsNullOrEmpty(containerId))
            {
                var part = $"-{containerId}-";
                var pos = name.IndexOf(part, StringComparison.Ordinal);
                if (pos <= 0 || pos + part.Length >= name.Length) continue;
            }
            byte[] data;
            try
            {
                data = File.ReadAllBytes(Path.Combine(ResultsDir, name));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (TryReadV1(data) is not { } entry) continue;
            if (!string.IsNullOrEmpty(containerId) && entry.ContainerId != containerId) continue;
            if (entry.IfName == "" || entry.NetworkName == "") continue;
            attachments.Add(new CachedAttachment(entry.ContainerId, entry.NetworkName, entry.IfName, entry.Config, entry.NetNs)
            {
                CniArgs = entry.CniArgs,
                CapabilityArgs = entry.CapabilityArgs,
            });
        }
        return attachments;
    }

    /// <summary>A parsed v1 cache file.</summary>
    public sealed record Entry(string ContainerId, byte[] Config, string IfName, string NetworkName, string NetNs,
        IReadOnlyList<KeyValuePair<string, string>> CniArgs, IReadOnlyDictionary<string, JsonElement>? CapabilityArgs, JsonElement? Result);

    /// <summary>The v1 layout, or null when the bytes are not a v1 cache object (Go's decode error or wrong kind).</summary>
    public static Entry? TryReadV1(byte[] data)
    {
        try
        {
            using var doc = GoJsonInput.Parse(data);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            string Str(string key) => Field(root, key) is { } v
                ? v.ValueKind switch { JsonValueKind.String => v.GetString()!, JsonValueKind.Null => "", _ => throw new FormatException(key) }
                : "";
            if (Str("kind") != KindV1) return null;
            var config = Str("config") is { Length: > 0 } b64 ? Convert.FromBase64String(b64) : [];
            var args = new List<KeyValuePair<string, string>>();
            if (Field(root, "cniArgs") is { ValueKind: JsonValueKind.Array } rawArgs)
            {
                foreach (var pair in rawArgs.EnumerateArray())
                {
                    var kv = pair.EnumerateArray().Select(x => x.GetString() ?? "").ToList();
                    if (kv.Count > 2) throw new FormatException("cniArgs");
                    args.Add(new(kv.ElementAtOrDefault(0) ?? "", kv.ElementAtOrDefault(1) ?? ""));
                }
            }
            Dictionary<string, JsonElement>? caps = null;
            if (Field(root, "capabilityArgs") is { ValueKind: JsonValueKind.Object } rawCaps)
            {
                caps = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in rawCaps.EnumerateObject()) caps[p.Name] = p.Value.Clone();
            }
            JsonElement? result = Field(root, "result") is { ValueKind: JsonValueKind.Object } r ? r.Clone() : null;
            return new Entry(Str("containerId"), config, Str("ifName"), Str("networkName"), Str("netns"), args, caps, result);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Go's struct decoding: the last key matching the field name case-insensitively.</summary>
    private static JsonElement? Field(JsonElement obj, string name)
    {
        JsonElement? found = null;
        foreach (var p in obj.EnumerateObject())
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) found = p.Value;
        return found;
    }
}
