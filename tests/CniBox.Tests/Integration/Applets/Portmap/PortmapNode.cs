using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Portmap;

/// <summary>
/// A node netns that plays the host: bridge <c>cbtpm0</c> (our bridge and host-local applets, run as processes) with
/// containers on 10.199.101.0/24 and fd99:0:101::/64, an uplink 10.199.100.1 / fd99:0:100::1 to an "outside" netns
/// routed through the node, and portmap run the way a runtime runs it, after bridge with bridge's result.
/// </summary>
public sealed class PortmapNode : IDisposable
{
    public const string NodeV4 = "10.199.100.1", NodeV6 = "fd99:0:100::1", BridgeV4 = "10.199.101.1";

    private readonly Dictionary<string, (TestNetns Ns, JsonElement Result)> _containers = [];

    public PortmapNode()
    {
        H = new NetHarness("pm");
        Outside = H.Container("pmo");
        Network = "cbt-pm-" + Guid.NewGuid().ToString("N")[..8];
        NsTraffic.Veth(H.Host, "cbtpmu0", [NodeV4 + "/24", NodeV6 + "/64"], Outside, "cbtpmu1", ["10.199.100.2/24", "fd99:0:100::2/64"]);
        Outside.IpIn("route", "add", "default", "via", NodeV4);
        Outside.IpIn("-6", "route", "add", "default", "via", NodeV6);
        NsTraffic.Exec(H.Host, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
    }

    public NetHarness H { get; }
    public TestNetns Node => H.Host;
    public TestNetns Outside { get; }
    public string Network { get; }

    /// <summary>Podman's bridge: hairpinMode on, which a container reaching its own host port needs when
    /// br_netfilter is loaded (the DNAT'd packet is then bridged back out of the port it came in on).</summary>
    public string BridgeConf() =>
        NetHarness.Conf("bridge", "1.0.0", H.HostLocal("10.199.101.0/24 fd99:0:101::/64", "[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]"),
            ",\"bridge\":\"cbtpm0\",\"isGateway\":true,\"hairpinMode\":true", Network);

    /// <summary>A container on the bridge; its bridge result is kept for portmap's prevResult.</summary>
    public TestNetns Container(string id)
    {
        var ns = H.Container("pm" + id);
        var result = CniAssert.Success(H.Run(Binaries.Applet("bridge"), "ADD", BridgeConf(), ns.Path, id));
        _containers[id] = (ns, result);
        return ns;
    }

    public string Address(string id, bool v6 = false) =>
        _containers[id].Result.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()!)
            .First(a => a.Contains(':') == v6).Split('/')[0];

    /// <summary>portmap's config: <paramref name="mappings"/> is the JSON array (null: no runtimeConfig), prevResult bridge's.</summary>
    public string PortmapConf(string id, string? mappings, string extra = "", bool withPrev = true) =>
        NetHarness.Conf("portmap", "1.0.0", "",
            (mappings is null ? "" : $",\"runtimeConfig\":{{\"portMappings\":{mappings}}}") + extra +
            (withPrev ? ",\"prevResult\":" + _containers[id].Result.GetRawText() : ""), Network);

    public ProcessResult Portmap(string verb, string id, string conf) =>
        H.Run(Binaries.Applet("portmap"), verb, conf, _containers.TryGetValue(id, out var c) ? c.Ns.Path : "", id);

    /// <summary><c>nft -j list table FAMILY cni_hostport</c>'s rules as "chain|comment|expr" lines, in chain order.</summary>
    public List<string> Rules(string family = "ip") => RulesOf(Node, family);

    public static List<string> RulesOf(TestNetns ns, string family)
    {
        var text = NftTestNetns.Run("ip", ["netns", "exec", ns.Name, "nft", "-j", "list", "table", family, "cni_hostport"], allowFailure: true);
        if (!text.TrimStart().StartsWith('{')) return [];
        return JsonDocument.Parse(text).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out _)).Select(e => e.GetProperty("rule"))
            .Select(r => $"{r.GetProperty("chain").GetString()}|{(r.TryGetProperty("comment", out var c) ? c.GetString() : "")}|{r.GetProperty("expr").GetRawText()}")
            .ToList();
    }

    /// <summary>The chains of the table as "name type hook prio" (regular chains by name only), sorted.</summary>
    public static List<string> ChainsOf(TestNetns ns, string family)
    {
        var text = NftTestNetns.Run("ip", ["netns", "exec", ns.Name, "nft", "-j", "list", "table", family, "cni_hostport"]);
        return JsonDocument.Parse(text).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("chain", out _)).Select(e => e.GetProperty("chain"))
            .Select(c => string.Join(' ', new[] { "name", "type", "hook", "prio" }
                .Select(k => c.TryGetProperty(k, out var v) ? v.ToString() : null).Where(v => v is not null)))
            .Order(StringComparer.Ordinal).ToList();
    }

    public void Dispose()
    {
        H.Dispose();
        try { Directory.Delete(Path.Combine("/var/lib/cni/portmap", Network), true); } catch (DirectoryNotFoundException) { }
        ForgetIndexEntries(_containers.Keys);
        // The registry's root goes with its last network, as DEL leaves it; a test that ends after ADD must too.
        try { if (!Directory.EnumerateFileSystemEntries("/var/lib/cni/portmap").Any()) Directory.Delete("/var/lib/cni/portmap"); }
        catch (IOException) { }
    }

    /// <summary>The host-port index entries of these containers (a test that ends after ADD leaves them), and the
    /// index itself once no network is recorded, as the last DEL leaves it.</summary>
    public static void ForgetIndexEntries(IEnumerable<string> containerIds)
    {
        const string root = "/var/lib/cni/portmap", index = root + "/.hostports";
        if (!Directory.Exists(index)) return;
        foreach (var dir in Directory.GetDirectories(index))
        {
            foreach (var id in containerIds) File.Delete(Path.Combine(dir, id));
            try { if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir); } catch (IOException) { }
        }
        if (!Directory.EnumerateDirectories(root).Any(d => !Path.GetFileName(d).StartsWith('.')))
            try { Directory.Delete(index, true); } catch (IOException) { }
    }
}
