using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Netlink.Rtnl;

[TestFixture, Category("root"), NonParallelizable]
public sealed class RtnlHandleTests
{
    [SetUp]
    public void SetUp() => Assume.That(Environment.IsPrivilegedProcess, "needs root");

    private static RtnlHandle OpenHandle(TestNetns test)
    {
        using NetNsHandle ns = NetNsHandle.Open(test.Path);
        return RtnlHandle.Open(ns);
    }

    [Test]
    public void LoInAFreshNamespaceIsIndex1LoopbackAndDown()
    {
        using var test = new TestNetns("nl");
        using RtnlHandle rtnl = OpenHandle(test);
        LinkInfo? lo = rtnl.GetLink("lo");
        Assert.That(lo, Is.Not.Null);
        Assert.That(lo!.Index, Is.EqualTo(1));
        Assert.That(lo.Flags.HasFlag(InterfaceFlags.Loopback), Is.True);
        Assert.That(lo.IsUp, Is.False);
        Assert.That(rtnl.GetLink(1), Is.EqualTo(lo));
        Assert.That(rtnl.DumpLinks().Select(l => l.Name), Is.EqualTo(new[] { "lo" }));
    }

    [Test]
    public void SetLinkUpBringsUpLoWithItsAddressesAndSetLinkDownTakesItDown()
    {
        using var test = new TestNetns("nl");
        using RtnlHandle rtnl = OpenHandle(test);
        rtnl.SetLinkUp(1);
        Assert.That(rtnl.GetLink("lo")!.IsUp, Is.True);
        Assert.That(test.IpIn("link", "show", "lo"), Does.Contain("UP"));

        IReadOnlyList<AddrInfo> addrs = rtnl.DumpAddresses();
        Assert.That(addrs.Select(a => $"{a.Address}/{a.PrefixLength}"), Is.EquivalentTo(new[] { "127.0.0.1/8", "::1/128" }));
        Assert.That(rtnl.DumpAddresses(AddressFamily.InterNetwork).Single().Address, Is.EqualTo(IPAddress.Loopback));
        Assert.That(rtnl.DumpAddresses(AddressFamily.InterNetworkV6, index: 1).Single().Address, Is.EqualTo(IPAddress.IPv6Loopback));
        Assert.That(rtnl.DumpAddresses(index: 42), Is.Empty);

        rtnl.SetLinkDown(1);
        Assert.That(rtnl.GetLink(1)!.IsUp, Is.False);
    }

    [Test]
    public void MissingLinksAreNull()
    {
        using var test = new TestNetns("nl");
        using RtnlHandle rtnl = OpenHandle(test);
        Assert.That(rtnl.GetLink("nope"), Is.Null);
        Assert.That(rtnl.GetLink(4242), Is.Null);
    }

    [Test]
    public void KernelErrorsCarryTheExtAckText()
    {
        using var test = new TestNetns("nl");
        test.IpIn("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        using RtnlHandle rtnl = OpenHandle(test);
        LinkInfo v0 = rtnl.GetLink("v0")!;
        Assert.That(v0.Kind, Is.EqualTo("veth"));
        Assert.That(v0.Mac, Does.Match("^([0-9a-f]{2}:){5}[0-9a-f]{2}$"));

        var e = Assert.Throws<NetlinkException>(() => rtnl.SetLinkMtu(v0.Index, 10));
        Assert.That(e!.Errno, Is.EqualTo(Errno.EINVAL));
        Assert.That(e.ExtAckMessage, Is.EqualTo("mtu less than device minimum"));
        Assert.That(e.Message, Is.EqualTo($"netlink: RTM_NEWLINK #{v0.Index} mtu 10: invalid argument (EINVAL: mtu less than device minimum)"));

        rtnl.SetLinkMtu(v0.Index, 1400);
        Assert.That(rtnl.GetLink(v0.Index)!.Mtu, Is.EqualTo(1400));
    }

    [Test]
    public void HandleWorksFromOtherThreadsAfterItWasOpened()
    {
        using var test = new TestNetns("nl");
        using RtnlHandle rtnl = OpenHandle(test);
        int[] counts = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => rtnl.DumpLinks().Count))).Result;
        Assert.That(counts, Is.All.EqualTo(1));
    }
}
