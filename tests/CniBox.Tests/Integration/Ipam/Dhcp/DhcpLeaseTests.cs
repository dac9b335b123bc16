using System.Text.Json;
using CniBox.Tests.Support;
using CniBox.Tests.Support.Dhcp;

namespace CniBox.Tests.Integration.Ipam.Dhcp;

/// <summary>
/// macvlan and bridge containers with <c>ipam: dhcp</c> against dnsmasq in a server netns, through our daemon run in
/// the node netns: leases, routes and DNS reach the result and the container; DEL releases the lease (dnsmasq's lease
/// file loses it), from the leased address, before the link goes.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class DhcpLeaseTests
{
    private DhcpLab _lab = null!;
    private DhcpDaemonProcess _daemon = null!;

    [SetUp]
    public void Create()
    {
        _lab = new DhcpLab(extraOptions: ["no-ping"]);
        _daemon = _lab.StartDaemon();
    }

    [TearDown]
    public void Destroy()
    {
        _daemon?.Dispose();
        _lab.Dispose();
    }

    [Test]
    public void MacvlanContainerGetsALeaseAndDelReleasesIt()
    {
        var c = _lab.Node.Container("dh-c");
        var conf = _lab.MacvlanConf(_daemon.SocketPath);
        var result = CniAssert.Success(_lab.Node.Run(Binaries.Applet("macvlan"), "ADD", conf, c.Path, "cbt-dh-mv1"));

        var address = result.GetProperty("ips")[0].GetProperty("address").GetString()!;
        Assert.That(address, Does.Match(@"^10\.199\.231\.\d+/24$"));
        Assert.That(result.GetProperty("ips")[0].GetProperty("gateway").GetString(), Is.EqualTo("10.199.231.1"));
        Assert.That(result.GetProperty("routes")[0].GetProperty("dst").GetString(), Is.EqualTo("0.0.0.0/0"));
        var ip = address.Split('/')[0];
        Assert.That(c.IpIn("-4", "addr", "show", "dev", "eth0"), Does.Contain(address));
        Assert.That(c.IpIn("route", "show", "default"), Does.Contain("via 10.199.231.1"));
        var lease = _lab.Dnsmasq.LeaseOf(ip);
        Assert.That(lease, Is.Not.Null, "dnsmasq holds the lease");
        Assert.That(lease![4], Is.EqualTo(ClientIdHex("cbt-dh-mv1/cbt-dh-net/eth0")), "Go's client ID: type 0, then <container>/<network>/<ifname>");
        Assert.That(NetHarness.Ping(c, "10.199.231.1"), "the container reaches the server");

        CniAssert.SilentSuccess(_lab.Node.Run(Binaries.Applet("macvlan"), "DEL", conf, c.Path, "cbt-dh-mv1"));
        Assert.That(_lab.Dnsmasq.LeaseOf(ip), Is.Null, "dnsmasq freed the lease");
        Assert.That(_lab.Dnsmasq.Log(), Does.Contain($"DHCPRELEASE(cbtdhm1) {ip}"));
        Assert.That(Directory.EnumerateFiles(_daemon.StateDir), Is.Empty, "the daemon forgot the lease");
    }

    [Test]
    public void BridgeContainerGetsLeaseRoutesAndDnsAndDelReleasesBeforeTheLinkGoes()
    {
        var c = _lab.Node.Container("dh-b");
        var conf = _lab.BridgeConf(_daemon.SocketPath);
        var result = CniAssert.Success(_lab.Node.Run(Binaries.Applet("bridge"), "ADD", conf, c.Path, "cbt-dh-br1"));

        var address = result.GetProperty("ips")[0].GetProperty("address").GetString()!;
        Assert.That(address, Does.Match(@"^10\.199\.230\.\d+/24$"));
        Assert.That(result.GetProperty("dns").GetProperty("nameservers")[0].GetString(), Is.EqualTo("10.199.251.53"));
        Assert.That(result.GetProperty("dns").GetProperty("domain").GetString(), Is.EqualTo("dh.test"));
        Assert.That(result.GetProperty("dns").GetProperty("search").EnumerateArray().Select(s => s.GetString()),
            Is.EqualTo(new[] { "a.dh.test", "b.dh.test" }));
        Assert.That(c.IpIn("route", "show", "default"), Does.Contain("via 10.199.230.1"));
        var ip = address.Split('/')[0];
        Assert.That(_lab.Dnsmasq.LeaseOf(ip), Is.Not.Null);

        CniAssert.SilentSuccess(_lab.Node.Run(Binaries.Applet("bridge"), "DEL", conf, c.Path, "cbt-dh-br1"));
        Assert.That(_lab.Dnsmasq.LeaseOf(ip), Is.Null, "released although bridge deletes the veth in the same DEL");
        Assert.That(NetHarness.Links(c), Is.Empty);
    }

    [Test]
    public void DhcpPluginExecdAloneReturnsTheLeaseAndChecksIt()
    {
        var c = _lab.Node.Container("dh-p");
        c.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbtdhp1");
        TestNetns.Ip("-n", c.Name, "link", "set", "cbtdhp1", "netns", _lab.Node.Host.Name);
        _lab.Node.Host.IpIn("link", "set", "cbtdhp1", "master", DhcpLab.Bridge, "up");
        var conf = _lab.BridgeConf(_daemon.SocketPath);
        var dhcp = Binaries.Applet("dhcp");
        var result = CniAssert.Success(_lab.Node.Run(dhcp, "ADD", conf, c.Path, "cbt-dh-p1"));
        Assert.That(result.GetProperty("ips")[0].GetProperty("address").GetString(), Does.Match(@"^10\.199\.230\.\d+/24$"));
        Assert.That(result.TryGetProperty("interfaces", out _), Is.False, "an IPAM result has no interfaces");

        CniAssert.SilentSuccess(_lab.Node.Run(dhcp, "CHECK", CniJson.WithPrevResult(conf, result.GetRawText()), c.Path, "cbt-dh-p1"));
        CniAssert.SilentSuccess(_lab.Node.Run(dhcp, "DEL", conf, c.Path, "cbt-dh-p1"));
        var msg = CniAssert.Error(_lab.Node.Run(dhcp, "CHECK", CniJson.WithPrevResult(conf, result.GetRawText()), c.Path, "cbt-dh-p1"), 999);
        Assert.That(msg, Does.Contain("no live lease for cbt-dh-p1/cbt-dh-net/eth0"));
        CniAssert.SilentSuccess(_lab.Node.Run(dhcp, "DEL", conf, c.Path, "cbt-dh-p1"));
    }

    [Test]
    public void ProvideHostNameFromArgReachesTheServer()
    {
        var c = _lab.Node.Container("dh-h");
        var ipam = _lab.Ipam(_daemon.SocketPath, ",\"provide\":[{\"option\":\"host-name\",\"fromArg\":\"NERDCTL_CNI_DHCP_HOSTNAME\"}]");
        var conf = NetHarness.Conf("macvlan", "1.0.0", ipam, $",\"master\":\"{DhcpLab.Master}\"", "cbt-dh-net");
        var result = CniAssert.Success(_lab.Node.Run(Binaries.Applet("macvlan"), "ADD", conf, c.Path, "cbt-dh-h1",
            cniArgs: "IgnoreUnknown=1;NERDCTL_CNI_DHCP_HOSTNAME=cbtdhhost"));
        var ip = result.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
        Assert.That(_lab.Dnsmasq.LeaseOf(ip)![3], Is.EqualTo("cbtdhhost"));
        CniAssert.SilentSuccess(_lab.Node.Run(Binaries.Applet("macvlan"), "DEL", conf, c.Path, "cbt-dh-h1",
            cniArgs: "IgnoreUnknown=1;NERDCTL_CNI_DHCP_HOSTNAME=cbtdhhost"));
    }

    [Test]
    public void AFailedMacvlanAddReleasesTheLeaseBeforeItDeletesTheLink()
    {
        var c = _lab.Node.Container("dh-f");
        // Option 121 with a gateway on no link: macvlan's route step fails after the lease, so ADD rolls back.
        _lab.Dnsmasq.Dispose();
        using var dnsmasq = _lab.StartDnsmasq("1h", ["no-ping", "dhcp-option=option:classless-static-route,10.199.253.0/24,10.199.9.9"]);
        var conf = _lab.MacvlanConf(_daemon.SocketPath);
        var msg = CniAssert.Error(_lab.Node.Run(Binaries.Applet("macvlan"), "ADD", conf, c.Path, "cbt-dh-f1"), 999);
        Assert.That(msg, Does.StartWith("failed to add route '10.199.253.0/24 via 10.199.9.9"));
        Assert.That(NetHarness.Links(c), Is.Empty);
        Assert.That(dnsmasq.Leases(), Is.Empty, "the lease was released, through the link, before it went");
        Assert.That(dnsmasq.Log(), Does.Contain("DHCPRELEASE(cbtdhm1)"));
    }

    private static string ClientIdHex(string id) =>
        "00:" + string.Join(':', System.Text.Encoding.ASCII.GetBytes(id).Select(b => b.ToString("x2")));
}
