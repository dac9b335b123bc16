namespace CniBox.Tests.Support.Dhcp;

/// <summary>
/// A DHCP test network: a node netns (cbt-dh-*) where plugins and daemons run, with a bridge <c>cbtdhbr</c> and a
/// macvlan master <c>cbtdhm0</c>; a server netns with dnsmasq on the far ends (<c>cbtdhb1</c> 10.199.230.1/24 behind
/// the bridge, <c>cbtdhm1</c> 10.199.231.1/24 behind the macvlan master). Leases are <paramref name="leaseTime"/>;
/// the router is dnsmasq's own address, DNS 10.199.251.53, domain dh.test, search a.dh.test b.dh.test.
/// </summary>
public sealed class DhcpLab : IDisposable
{
    public const string Bridge = "cbtdhbr", Master = "cbtdhm0";

    public NetHarness Node { get; }
    public TestNetns Server { get; }
    public Dnsmasq Dnsmasq { get; private set; }
    public string Dir { get; }

    public DhcpLab(string leaseTime = "1h", IEnumerable<string>? extraOptions = null)
    {
        Binaries.RequirePublished();
        Dir = Directory.CreateTempSubdirectory("cbt-dh-").FullName;
        Node = new NetHarness("dh");
        try
        {
            Server = Node.Container("dh-s");
            var node = Node.Host;
            node.IpIn("link", "add", Bridge, "type", "bridge");
            node.IpIn("link", "set", Bridge, "up");
            node.IpIn("link", "add", "cbtdhb0", "type", "veth", "peer", "name", "cbtdhb1", "netns", Server.Name);
            node.IpIn("link", "set", "cbtdhb0", "master", Bridge, "up");
            node.IpIn("link", "add", Master, "type", "veth", "peer", "name", "cbtdhm1", "netns", Server.Name);
            node.IpIn("link", "set", Master, "up");
            Server.IpIn("addr", "add", "10.199.230.1/24", "dev", "cbtdhb1");
            Server.IpIn("addr", "add", "10.199.231.1/24", "dev", "cbtdhm1");
            Server.IpIn("link", "set", "cbtdhb1", "up");
            Server.IpIn("link", "set", "cbtdhm1", "up");
            Server.IpIn("link", "set", "lo", "up");
            Dnsmasq = StartDnsmasq(leaseTime, extraOptions);
        }
        catch
        {
            Node.Dispose();
            throw;
        }
    }

    public Dnsmasq StartDnsmasq(string leaseTime, IEnumerable<string>? extraOptions = null) =>
        new(Server,
            [$"10.199.230.50,10.199.230.150,255.255.255.0,{leaseTime}", $"10.199.231.50,10.199.231.150,255.255.255.0,{leaseTime}"],
            ["interface=cbtdhb1", "interface=cbtdhm1", "dhcp-option=option:dns-server,10.199.251.53",
             "dhcp-option=option:domain-name,dh.test", "dhcp-option=option:domain-search,a.dh.test,b.dh.test",
             .. extraOptions ?? []]);

    /// <summary>Stops the server (a server that never answers), keeping its files out of the way.</summary>
    public void StopDnsmasq() => Dnsmasq.Dispose();

    public DhcpDaemonProcess StartDaemon(bool go = false, params string[] flags) =>
        new(Node.Host, Dir, go, flags.Length > 0 ? flags : ["-timeout", "2s", "-resendmax", "4s", "-resendtimeout", "10s"]);

    public string Ipam(string socketPath, string extra = "") =>
        $"{{\"type\":\"dhcp\",\"daemonSocketPath\":\"{socketPath}\"{extra}}}";

    public string MacvlanConf(string socketPath, string version = "1.0.0", string name = "cbt-dh-net") =>
        NetHarness.Conf("macvlan", version, Ipam(socketPath), $",\"master\":\"{Master}\"", name);

    public string BridgeConf(string socketPath, string version = "1.0.0", string name = "cbt-dh-net") =>
        NetHarness.Conf("bridge", version, Ipam(socketPath), $",\"bridge\":\"{Bridge}\"", name);

    public void Dispose()
    {
        Dnsmasq?.Dispose();
        Node.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
