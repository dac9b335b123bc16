namespace CniBox.Tests.Support.EndToEnd;

/// <summary>
/// The files a podman network's plugins keep on the host's shared /var/lib/cni and /run/cni: host-local's store
/// (<c>networks/&lt;net&gt;</c>), libcni's result cache (<c>results/&lt;net&gt;-&lt;cid&gt;-&lt;ifname&gt;</c>), portmap's
/// registry and firewall's records (<c>portmap/&lt;net&gt;</c>, <c>firewall/&lt;net&gt;</c>, ours only) and tuning's
/// backups (<c>/run/cni/tuning/&lt;cid&gt;_&lt;ifname&gt;.json</c>). Only networks named <c>cbt*</c> are ever touched.
/// </summary>
public static class PodmanCniFiles
{
    private const string StateDir = "/var/lib/cni";
    private const string TuningDir = "/run/cni/tuning";

    /// <summary>The file names in host-local's directory of the network, sorted (empty when there is none).</summary>
    public static IReadOnlyList<string> IpamFiles(string network) => Names(Path.Combine(StateDir, "networks", Guard(network)));

    /// <summary>libcni's cached results of the network (podman's own cache, read back by every DEL).</summary>
    public static IReadOnlyList<string> CachedResults(string network) =>
        Names(Path.Combine(StateDir, "results")).Where(n => n.StartsWith(Guard(network) + "-", StringComparison.Ordinal)).ToList();

    /// <summary>portmap's and firewall's per-network directories that exist.</summary>
    public static IReadOnlyList<string> PluginStateDirs(string network) =>
        new[] { "portmap", "firewall" }.Select(p => Path.Combine(StateDir, p, Guard(network))).Where(Directory.Exists).ToList();

    public static IReadOnlyList<string> TuningBackups(string containerId) =>
        Names(TuningDir).Where(n => n.StartsWith(containerId + "_", StringComparison.Ordinal)).ToList();

    /// <summary>Everything of these networks and containers, for a fixture's teardown.</summary>
    public static void Remove(IEnumerable<string> networks, IEnumerable<string> containerIds)
    {
        foreach (var network in networks)
        {
            foreach (var dir in new[] { "networks", "portmap", "firewall" }.Select(d => Path.Combine(StateDir, d, Guard(network))))
                if (Directory.Exists(dir)) Directory.Delete(dir, true);
            foreach (var result in CachedResults(network)) File.Delete(Path.Combine(StateDir, "results", result));
        }
        foreach (var id in containerIds.Where(id => id.Length == 64))
            foreach (var backup in TuningBackups(id)) File.Delete(Path.Combine(TuningDir, backup));
    }

    /// <summary>Every /var/lib/cni path the files above could name, as text, for a failure message.</summary>
    public static string Describe(string network) =>
        $"ipam {string.Join(',', IpamFiles(network))}; results {string.Join(',', CachedResults(network))}; " +
        $"plugin state {string.Join(',', PluginStateDirs(network))}";

    private static string Guard(string network) =>
        network.StartsWith("cbt", StringComparison.Ordinal) && !network.Contains('/')
            ? network
            : throw new ArgumentException($"{network}: only cbt* networks' files may be touched on the shared /var/lib/cni");

    private static List<string> Names(string dir) =>
        Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList() : [];
}
