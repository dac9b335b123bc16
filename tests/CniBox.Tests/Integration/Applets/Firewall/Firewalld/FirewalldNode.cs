using System.Text.Json;
using CniBox.Applets.Firewall;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Firewall.Firewalld;

/// <summary>
/// A node netns whose firewall is firewalld (<see cref="PrivateFirewalld"/> on a <see cref="PrivateSystemBus"/>): our
/// bridge <c>cbtfd0</c> with containers on 10.199.155.0/24 and fd99:155::/64, and the published firewall run as a
/// runtime runs it after bridge, with <c>DBUS_SYSTEM_BUS_ADDRESS</c> naming the private bus. Dispose removes
/// firewalld, the bus, the namespaces, host-local's store and the network's firewall records.
/// </summary>
public sealed class FirewalldNode : IDisposable
{
    private readonly Dictionary<string, (TestNetns Ns, JsonElement Result)> _containers = [];

    public FirewalldNode()
    {
        PrivateFirewalld.RequireTools();
        Binaries.RequirePublished();
        H = new NetHarness("fwd");
        Network = "cbt-fwd-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            Bus = new PrivateSystemBus();
            Firewalld = new PrivateFirewalld(H.Host, Bus);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public NetHarness H { get; }
    public TestNetns Node => H.Host;
    public PrivateSystemBus? Bus { get; }
    public PrivateFirewalld Firewalld { get; } = null!;
    public string Network { get; }

    public string BridgeConf() =>
        NetHarness.Conf("bridge", "1.0.0", H.HostLocal("10.199.155.0/24 fd99:155::/64", "[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]"),
            ",\"bridge\":\"cbtfd0\",\"isGateway\":true", Network);

    /// <summary>A container on the bridge; bridge's result is kept as firewall's prevResult.</summary>
    public TestNetns Container(string id)
    {
        var ns = H.Container("fwdc");
        var result = CniAssert.Success(H.Run(Binaries.Applet("bridge"), "ADD", BridgeConf(), ns.Path, id));
        _containers[id] = (ns, result);
        return ns;
    }

    public TestNetns Ns(string id) => _containers[id].Ns;

    /// <summary>The container's addresses as firewalld sources (ip/32, ip/128).</summary>
    public IReadOnlyList<string> Sources(string id) =>
        _containers[id].Result.GetProperty("ips").EnumerateArray()
            .Select(i => i.GetProperty("address").GetString()!.Split('/')[0])
            .Select(a => a + (a.Contains(':') ? "/128" : "/32")).ToList();

    /// <summary>firewall's config: <paramref name="extra"/> are more keys (",\"backend\":\"firewalld\""); prevResult is bridge's.</summary>
    public string FirewallConf(string id, string extra = "", bool withPrev = true) =>
        NetHarness.Conf("firewall", "1.0.0", "", extra + (withPrev ? ",\"prevResult\":" + _containers[id].Result.GetRawText() : ""), Network);

    /// <summary>Runs the published firewall in the node; <paramref name="busAddress"/> overrides the private bus's.</summary>
    public ProcessResult Firewall(string verb, string id, string conf, string? busAddress = null, string[]? wrapper = null)
    {
        var env = PluginProcess.Env(verb, id, _containers[id].Ns.Path, "eth0", Binaries.AppletDir);
        env["DBUS_SYSTEM_BUS_ADDRESS"] = busAddress ?? Bus!.Address;
        string[] command = ["ip", "netns", "exec", Node.Name, .. wrapper ?? [], Binaries.Applet("firewall")];
        return PluginProcess.Run(command[0], env, conf, command[1..]);
    }

    public void Dispose()
    {
        Firewalld?.Dispose();
        Bus?.Dispose();
        H.Dispose();
        try { Directory.Delete(Path.Combine(FirewallRecords.DefaultRoot, Network), true); } catch (DirectoryNotFoundException) { }
    }
}
