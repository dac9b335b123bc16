using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Netfilter;

/// <summary>
/// Packets between namespaces this test creates, only: container (10.199.50.2) -- router (10.199.50.1, 10.199.51.1,
/// forwarding on) -- remote (10.199.51.2). The remote counts the echo requests per source address with its own nft
/// counters (in its own namespace), which shows whether the router masqueraded.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed partial class NetfilterTrafficTests
{
    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    [Test]
    public void MasqueradeMakesTheRemoteSeeTheRouterAddressAndTeardownRestoresTheContainerAddress()
    {
        using var container = new TestNetns("nft");
        using var router = new TestNetns("nft");
        using var remote = new TestNetns("nft");
        NsTraffic.Veth(container, "c0", ["10.199.50.2/24"], router, "r0", ["10.199.50.1/24"]);
        NsTraffic.Veth(router, "r1", ["10.199.51.1/24"], remote, "x0", ["10.199.51.2/24"]);
        container.IpIn("route", "add", "default", "via", "10.199.50.1");
        NsTraffic.Exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        var seen = new EchoCounter(remote, "10.199.51.1", "10.199.50.2");

        using NetNsHandle ns = NetNsHandle.Open(router.Path);
        using var nft = NftHandle.Open(ns);
        Masquerade.SetupMasquerade(nft, [IpNet.Parse("10.199.50.2/24")], "net-a", "eth0", "c1");
        NsTraffic.Ping(container, "10.199.51.2", expectSuccess: true);
        Assert.That(seen.Count("10.199.51.1"), Is.GreaterThan(0), "masqueraded: the remote saw the router's address");
        Assert.That(seen.Count("10.199.50.2"), Is.Zero, "masqueraded: the container's address never arrived");

        Masquerade.TeardownMasquerade(nft, "net-a", "eth0", "c1");
        remote.IpIn("route", "add", "10.199.50.0/24", "via", "10.199.51.1");
        NsTraffic.FlushConntrack(router);
        NsTraffic.Ping(container, "10.199.51.2", expectSuccess: true, "(after teardown)");
        Assert.That(seen.Count("10.199.50.2"), Is.GreaterThan(0), "without masquerade the remote sees the container's address");
    }

    [Test]
    public void MacSpoofCheckDropsFramesWithAnotherSourceMac()
    {
        using var container = new TestNetns("nft");
        using var router = new TestNetns("nft");
        router.IpIn("link", "add", "br0", "type", "bridge");
        router.IpIn("addr", "add", "10.199.52.1/24", "dev", "br0");
        router.IpIn("link", "set", "br0", "up");
        NsTraffic.Veth(container, "c0", ["10.199.52.2/24"], router, "vh0", []);
        router.IpIn("link", "set", "vh0", "master", "br0");
        string mac = Regex.Match(container.IpIn("link", "show", "c0"), "link/ether ([0-9a-f:]{17})").Groups[1].Value;

        using NetNsHandle ns = NetNsHandle.Open(router.Path);
        using var nft = NftHandle.Open(ns);
        MacSpoofCheck.Setup(nft, "vh0", PhysicalAddress.Parse(mac), "c1", "eth0");
        NsTraffic.Ping(container, "10.199.52.1", expectSuccess: true);

        container.IpIn("link", "set", "c0", "address", "02:00:0a:c7:34:99");
        router.IpIn("neigh", "flush", "all");
        NsTraffic.Ping(container, "10.199.52.1", expectSuccess: false);

        container.IpIn("link", "set", "c0", "address", mac);
        NsTraffic.Ping(container, "10.199.52.1", expectSuccess: true);
        MacSpoofCheck.Teardown(nft, "c1", "eth0");
        container.IpIn("link", "set", "c0", "address", "02:00:0a:c7:34:99");
        router.IpIn("neigh", "flush", "all");
        NsTraffic.Ping(container, "10.199.52.1", expectSuccess: true);
    }
}
