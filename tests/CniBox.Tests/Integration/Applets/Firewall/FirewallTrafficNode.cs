using System.Text.Json;
using System.Text.RegularExpressions;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Firewall;

/// <summary>The firewall plugin under test: ours (the published binary's applet) or Debian's Go firewall 1.1.1.</summary>
public sealed record FirewallPlugin(string Label, string Path, bool IsGo)
{
    public static FirewallPlugin Of(string label)
    {
        Binaries.RequirePublished();
        if (label == "ours") return new("ours", Binaries.Applet("firewall"), IsGo: false);
        Binaries.RequireGoPlugin("firewall");
        return label == "go" ? new("go", Binaries.GoPlugin("firewall"), IsGo: true) : throw new ArgumentException(label);
    }

    public override string ToString() => Label;
}

/// <summary>
/// A network on the node: our bridge (on <see cref="Bridge"/>, <c>isGateway</c>) or our ptp, host-local on
/// <see cref="Subnets"/> (space-separated) with default routes of each family it has.
/// </summary>
public sealed record FirewallNetwork(string Suffix, string Type, string? Bridge, string Subnets)
{
    public static readonly FirewallNetwork BridgeA = new("a", "bridge", "cbtft0", "10.199.173.0/24 fd99:173::/64");
    public static readonly FirewallNetwork BridgeB = new("b", "bridge", "cbtft1", "10.199.174.0/24 fd99:174::/64");
    public static readonly FirewallNetwork Ptp = new("p", "ptp", null, "10.199.175.0/24 fd99:175::/64");

    public static FirewallNetwork Of(string type) => type == "ptp" ? Ptp : BridgeA;
}

/// <summary>A container attached by bridge or ptp; <see cref="Result"/> is that plugin's result, firewall's prevResult.</summary>
public sealed record FirewallContainer(string Id, TestNetns Ns, FirewallNetwork Network, JsonElement Result)
{
    public string Address(bool v6) => Ip(v6, "address").Split('/')[0];

    public string Gateway(bool v6) => Ip(v6, "gateway");

    private string Ip(bool v6, string key) =>
        Result.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty(key).GetString()!).First(a => a.Contains(':') == v6);
}

/// <summary>
/// A node netns that plays a host whose firewall drops forwarded traffic: iptables-nft <c>filter FORWARD</c> policy
/// DROP in both families (set with iptables inside the node), forwarding and br_netfilter's iptables hooks on, and a
/// "remote" netns behind the veth cbtftu0/cbtftu1 (10.199.172.0/24, fd99:172::/64) whose default routes point at the
/// node. Containers attach with our bridge or ptp (run inside the node, as a runtime runs them) and then, if asked,
/// with a firewall plugin given their result as prevResult, as a runtime runs a conflist.
/// </summary>
public sealed partial class FirewallTrafficNode : IDisposable
{
    public const string NodeV4 = "10.199.172.1", NodeV6 = "fd99:172::1", RemoteV4 = "10.199.172.2", RemoteV6 = "fd99:172::2";

    private readonly List<(FirewallPlugin Plugin, FirewallContainer Container)> _added = [];

    public FirewallTrafficNode()
    {
        H = new NetHarness("ft");
        try
        {
            Remote = H.Container("ftr");
            Network = "cbt-ft-" + Guid.NewGuid().ToString("N")[..8];
            NsTraffic.Veth(Node, "cbtftu0", [NodeV4 + "/24", NodeV6 + "/64"], Remote, "cbtftu1", [RemoteV4 + "/24", RemoteV6 + "/64"]);
            Remote.IpIn("route", "add", "default", "via", NodeV4);
            Remote.IpIn("-6", "route", "add", "default", "via", NodeV6);
            NsTraffic.Exec(Node, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                "net.bridge.bridge-nf-call-iptables=1", "net.bridge.bridge-nf-call-ip6tables=1");
            NsTraffic.Exec(Node, "iptables", "-P", "FORWARD", "DROP");
            NsTraffic.Exec(Node, "ip6tables", "-P", "FORWARD", "DROP");
        }
        catch
        {
            H.Dispose();
            throw;
        }
    }

    public NetHarness H { get; }
    public TestNetns Node => H.Host;
    public TestNetns Remote { get; }

    /// <summary>The prefix of this node's CNI network names (one per <see cref="FirewallNetwork"/>), unique per node.</summary>
    public string Network { get; }

    public string NetworkName(FirewallNetwork net) => $"{Network}-{net.Suffix}";

    /// <summary>
    /// A container netns attached to <paramref name="net"/>; with <paramref name="firewall"/>, firewall ADD follows
    /// with <paramref name="firewallKeys"/> and must succeed.
    /// </summary>
    public FirewallContainer Attach(string id, FirewallNetwork net, FirewallPlugin? firewall = null, string firewallKeys = "")
    {
        var ns = H.Container("ft" + id);
        var routes = string.Join(",", net.Subnets.Split(' ').Select(s => s.Contains(':') ? "{\"dst\":\"::/0\"}" : "{\"dst\":\"0.0.0.0/0\"}"));
        var extra = net.Bridge is null ? "" : $",\"bridge\":\"{net.Bridge}\",\"isGateway\":true";
        var conf = NetHarness.Conf(net.Type, "1.0.0", H.HostLocal(net.Subnets, $"[{routes}]"), extra, NetworkName(net));
        var container = new FirewallContainer(id, ns, net, CniAssert.Success(H.Run(Binaries.Applet(net.Type), "ADD", conf, ns.Path, id)));
        if (firewall is not null) CniAssert.Success(Firewall(firewall, "ADD", container, firewallKeys));
        return container;
    }

    /// <summary>The firewall's config: backend iptables, then <paramref name="keys"/>, then the prevResult.</summary>
    public string FirewallConf(FirewallContainer c, string keys = "", bool withPrev = true) =>
        NetHarness.Conf("firewall", "1.0.0", "",
            ",\"backend\":\"iptables\"" + keys + (withPrev ? ",\"prevResult\":" + c.Result.GetRawText() : ""), NetworkName(c.Network));

    /// <summary>Runs <paramref name="plugin"/> inside the node for <paramref name="c"/>, as a runtime runs a chained plugin.</summary>
    public ProcessResult Firewall(FirewallPlugin plugin, string verb, FirewallContainer c, string keys = "", bool withPrev = true)
    {
        var result = H.Run(plugin.Path, verb, FirewallConf(c, keys, withPrev), c.Ns.Path, c.Id, goPath: plugin.IsGo);
        if (verb == "ADD" && !plugin.IsGo) _added.Add((plugin, c));
        return result;
    }

    /// <summary><c>iptables-save</c> (or ip6tables-save) of the node: comment lines dropped, counters zeroed.</summary>
    public string Save(bool v6) =>
        Counters().Replace(string.Join("\n", NsTraffic.Exec(Node, v6 ? "ip6tables-save" : "iptables-save").Split('\n')
            .Where(l => !l.StartsWith('#') && l.Length > 0)), "[0:0]");

    /// <summary><c>nft list ruleset</c> of the node with packet and byte counts zeroed: how nf_tables holds the rules.</summary>
    public string NftRuleset() => NftCounters().Replace(NsTraffic.Exec(Node, "nft", "list", "ruleset"), "packets 0 bytes 0");

    /// <summary>
    /// Our firewall's DEL for each container it added (its records under /var/lib/cni/firewall go with it), then every
    /// namespace, then any record directory of this node's networks a failed DEL left, and the root if it is empty.
    /// </summary>
    public void Dispose()
    {
        try
        {
            foreach (var (plugin, c) in _added) Firewall(plugin, "DEL", c);
        }
        finally
        {
            H.Dispose();
            RemoveRecords();
        }
    }

    private void RemoveRecords()
    {
        const string root = "/var/lib/cni/firewall";
        // Another network's last DEL (a plugin run elsewhere) may remove the shared root meanwhile.
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(root, Network + "-*")) Directory.Delete(dir, true);
            if (!Directory.EnumerateFileSystemEntries(root).Any()) Directory.Delete(root);
        }
        catch (IOException) { }
    }

    [GeneratedRegex(@"\[\d+:\d+\]")]
    private static partial Regex Counters();

    [GeneratedRegex(@"packets \d+ bytes \d+")]
    private static partial Regex NftCounters();
}
