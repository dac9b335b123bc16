using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Flannel;

/// <summary>
/// One node of a two-node flannel cluster: a node netns on the underlay (10.199.254.N/24), a temp dir with its
/// subnet.env, flannel's dataDir, host-local's dataDir, cnitool's cache and k3s's conflist; and what flanneld does
/// on a node, by hand with <c>ip</c> and <c>bridge</c>: flannel.1 (VXLAN 1 over the underlay), the other node's FDB
/// and neighbour entries and the route to its subnet. Only the plugin's work is under test.
/// </summary>
public sealed class FlannelNode : IDisposable
{
    public const string Network = "cbtfl";
    public const string Bridge = "cbtfl0";

    public FlannelNode(char letter, string cniPath)
    {
        Letter = letter;
        CniPath = cniPath;
        Netns = new TestNetns($"fl-{letter}");
        Dir = Directory.CreateTempSubdirectory($"cbt-fl-{letter}-").FullName;
        foreach (var d in new[] { "net.d", "cache", "ipam", "flannel" }) Directory.CreateDirectory(Path.Combine(Dir, d));
        File.WriteAllText(Path.Combine(Dir, "subnet.env"),
            $"FLANNEL_NETWORK=10.199.64.0/18\nFLANNEL_SUBNET={Subnet}.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
        File.WriteAllText(Path.Combine(Dir, "net.d", "10-flannel.conflist"),
            $"{{\"name\":\"{Network}\",\"cniVersion\":\"1.0.0\",\"plugins\":[" +
            $"{{\"type\":\"flannel\",\"subnetFile\":\"{Dir}/subnet.env\",\"dataDir\":\"{Dir}/flannel\",\"ipam\":{{\"dataDir\":\"{Dir}/ipam\"}}," +
            $"\"delegate\":{{\"hairpinMode\":true,\"forceAddress\":true,\"isDefaultGateway\":true,\"bridge\":\"{Bridge}\"}}}}," +
            "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}},{\"type\":\"bandwidth\",\"capabilities\":{\"bandwidth\":true}}]}");
    }

    public char Letter { get; }
    public string CniPath { get; }
    public TestNetns Netns { get; }
    public string Dir { get; }
    public string Subnet => Letter == 'a' ? "10.199.64" : "10.199.65";
    public string Underlay => Letter == 'a' ? "10.199.254.1" : "10.199.254.2";
    public string Underlay6 => Letter == 'a' ? "fd99:0:254::1" : "fd99:0:254::2";
    public string UnderlayLink => $"cbtflu{Letter}";
    public string VxlanMac => Letter == 'a' ? "0e:99:00:00:00:0a" : "0e:99:00:00:00:0b";

    /// <summary>The underlay veth between the two nodes, then flanneld's set-up on both.</summary>
    public static void Join(FlannelNode a, FlannelNode b)
    {
        NsTraffic.Veth(a.Netns, a.UnderlayLink, [a.Underlay + "/24", a.Underlay6 + "/64"], b.Netns, b.UnderlayLink, [b.Underlay + "/24", b.Underlay6 + "/64"]);
        a.FlanneldTowards(b);
        b.FlanneldTowards(a);
    }

    private void FlanneldTowards(FlannelNode other)
    {
        Netns.IpIn("link", "add", "flannel.1", "address", VxlanMac, "type", "vxlan", "id", "1", "local", Underlay,
            "dev", UnderlayLink, "dstport", "8472", "nolearning");
        Netns.IpIn("link", "set", "flannel.1", "mtu", "1450", "up");
        Netns.IpIn("addr", "add", Subnet + ".0/32", "dev", "flannel.1");
        NsTraffic.Exec(Netns, "bridge", "fdb", "append", other.VxlanMac, "dev", "flannel.1", "dst", other.Underlay);
        Netns.IpIn("neigh", "replace", other.Subnet + ".0", "lladdr", other.VxlanMac, "dev", "flannel.1", "nud", "permanent");
        Netns.IpIn("route", "add", other.Subnet + ".0/24", "via", other.Subnet + ".0", "dev", "flannel.1", "onlink");
    }

    /// <summary>cnitool (ours) in the node netns, as a runtime on that node would run it.</summary>
    public ProcessResult Cnitool(string verb, TestNetns pod, string capArgs = "")
    {
        var env = new Dictionary<string, string>
        {
            ["NETCONFPATH"] = Path.Combine(Dir, "net.d"), ["CNI_PATH"] = CniPath, ["CNI_CACHE_DIR"] = Path.Combine(Dir, "cache"),
        };
        if (capArgs.Length > 0) env["CAP_ARGS"] = capArgs;
        return PluginProcess.Run("ip", env, "", ["netns", "exec", Netns.Name, Binaries.Applet("cnitool"), verb, Network, pod.Path]);
    }

    /// <summary>Packets flannel.1 sent: proof the pods' traffic crossed the VXLAN overlay.</summary>
    public long VxlanTxPackets() =>
        JsonDocument.Parse(Netns.IpIn("-s", "-j", "link", "show", "dev", "flannel.1")).RootElement[0]
            .GetProperty("stats64").GetProperty("tx").GetProperty("packets").GetInt64();

    /// <summary>Files the plugins keep for attachments: saved delegates, host-local's addresses, cached results.</summary>
    public IReadOnlyList<string> AttachmentFiles() =>
        new[] { "flannel", "ipam", "cache" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Dir, d), "*", SearchOption.AllDirectories))
            .Where(f => Path.GetFileName(f) is not "lock" && !Path.GetFileName(f).StartsWith("last_reserved_ip."))
            .ToList();

    public void Dispose()
    {
        Netns.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
