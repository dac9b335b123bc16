using System.Text;

namespace CniBox.Tests.Support;

/// <summary>
/// A host-local network in a throwaway dataDir (always under the temp dir, never /var/lib/cni): configs, calls to
/// any host-local executable, and byte snapshots of the store.
/// </summary>
public sealed class HostLocalStore : IDisposable
{
    public const string Network = "cbt-net";

    public HostLocalStore(string tag = "hl") => DataDir = Directory.CreateTempSubdirectory($"cbt-{tag}-").FullName;

    public string DataDir { get; }
    public string NetDir => Path.Join(DataDir, Network);

    /// <summary>A config whose <c>ipam</c> body is <paramref name="ipam"/> (JSON members, ' for ") plus dataDir.</summary>
    public string Conf(string version, string ipam, string extra = "", string name = Network) =>
        ("{'cniVersion':'" + version + "','name':'" + name + "','type':'bridge'" + (extra == "" ? "" : "," + extra) +
         ",'ipam':{'type':'host-local','dataDir':'" + DataDir + "'," + ipam + "}}").Replace('\'', '"');

    public static ProcessResult Run(string plugin, string command, string conf, string cid = "c1", string ifName = "eth0",
        string? cniArgs = null)
    {
        var env = PluginProcess.Env(command, cid, "/var/run/netns/cbt-hostlocal-none", ifName);
        if (command is "GC" or "STATUS")
        {
            env["CNI_CONTAINERID"] = "";
            env["CNI_NETNS"] = "";
            env["CNI_IFNAME"] = "";
        }
        if (cniArgs is not null) env["CNI_ARGS"] = cniArgs;
        return PluginProcess.Run(plugin, env, conf);
    }

    /// <summary>Every file of the network directory, name → bytes, in ordinal order.</summary>
    public SortedDictionary<string, byte[]> Snapshot() => Snapshot(NetDir);

    public static SortedDictionary<string, byte[]> Snapshot(string dir)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (!Directory.Exists(dir)) return files;
        foreach (var file in Directory.EnumerateFiles(dir)) files[Path.GetFileName(file)] = File.ReadAllBytes(file);
        return files;
    }

    /// <summary>The snapshot as "name=content" lines with \r\n shown, for readable assertion messages.</summary>
    public static string Describe(SortedDictionary<string, byte[]> files) =>
        string.Join("\n", files.Select(f => $"{f.Key}={Encoding.UTF8.GetString(f.Value).Replace("\r\n", "\\r\\n")}"));

    /// <summary>IP files only (name parses as an IP), name → owner text.</summary>
    public Dictionary<string, string> Allocations() =>
        Snapshot().Where(f => System.Net.IPAddress.TryParse(f.Key, out _))
            .ToDictionary(f => f.Key, f => Encoding.UTF8.GetString(f.Value));

    public void Dispose()
    {
        try { Directory.Delete(DataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
