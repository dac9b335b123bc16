using CniBox.Applets.Firewall;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Firewall;

/// <summary>
/// A throwaway <c>cbt-fw*</c> node namespace where the published firewall applet runs as a runtime runs it, with a
/// network name of its own (<c>cbt-fw-&lt;hex&gt;</c>) whose records under /var/lib/cni/firewall go on Dispose.
/// Containers are only prevResults here: the firewall touches no interface, only the node's rules.
/// </summary>
public sealed class FirewallNode : IDisposable
{
    public FirewallNode(string tag)
    {
        Binaries.RequirePublished();
        Netns = new TestNetns("fw" + tag);
        Network = "cbt-fw-" + Guid.NewGuid().ToString("N")[..6];
    }

    public TestNetns Netns { get; }

    public string Network { get; }

    public string RecordDir => Path.Combine(FirewallRecords.DefaultRoot, Network);

    /// <summary>The applet with <paramref name="conf"/>; <c>CNI_NETNS</c> names no real netns (the firewall never enters it).</summary>
    public ProcessResult Run(string verb, string conf, string containerId, string ifName = "eth0", string netns = "/var/run/netns/cbt-fw-container")
    {
        var env = PluginProcess.Env(verb, containerId, netns, ifName, Binaries.AppletDir);
        env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        return PluginProcess.Run("ip", env, conf, ["netns", "exec", Netns.Name, Binaries.Applet("firewall")]);
    }

    /// <summary>A config as a runtime sends it after bridge: the bridge first in the prevResult, then the container's interface.</summary>
    public string Conf(string extra, string bridge, params string[] addresses)
    {
        var ips = string.Join(",", addresses.Select(a => $"{{\"address\":\"{a}\",\"interface\":1}}"));
        return $"{{\"cniVersion\":\"1.0.0\",\"name\":\"{Network}\",\"type\":\"firewall\"{extra}," +
               $"\"prevResult\":{{\"cniVersion\":\"1.0.0\",\"interfaces\":[{{\"name\":\"{bridge}\"}},{{\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/x\"}}]," +
               $"\"ips\":[{ips}]}}}}";
    }

    /// <summary>The same config without its prevResult (a DEL from a runtime that kept none).</summary>
    public string ConfWithoutPrevResult(string extra) => $"{{\"cniVersion\":\"1.0.0\",\"name\":\"{Network}\",\"type\":\"firewall\"{extra}}}";

    public string Exec(string program, params string[] args) => NftTestNetns.Run("ip", ["netns", "exec", Netns.Name, program, .. args]);

    /// <summary><c>iptables -S</c> (or ip6tables) of the filter table, lines as printed.</summary>
    public string[] IptablesS(bool v6 = false) => Exec(v6 ? "ip6tables" : "iptables", "-S").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary><c>nft list table inet cnibox_firewall</c>, "" when the table does not exist.</summary>
    public string OurTable() => NftTestNetns.Run("ip", ["netns", "exec", Netns.Name, "nft", "list", "table", "inet", "cnibox_firewall"], allowFailure: true);

    public string Tables() => Exec("nft", "list", "tables");

    public void Dispose()
    {
        Netns.Dispose();
        if (Directory.Exists(RecordDir)) Directory.Delete(RecordDir, true);
        else if (File.Exists(RecordDir)) File.Delete(RecordDir);
    }
}
