using CniBox.Netlink.BridgePorts;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Netlink.Rtnl;

/// <summary>Link ops against the kernel, each test in its own cbt-nl-* namespaces; inspected with <c>ip</c>.</summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class LinkOpsTests
{
    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    private static RtnlHandle Open(TestNetns test)
    {
        using NetNsHandle ns = NetNsHandle.Open(test.Path);
        return RtnlHandle.Open(ns);
    }

    [Test]
    public void AddVethPairPutsTheNamedPeerIntoTheOtherNamespaceWithMtuAndMacs()
    {
        using var container = new TestNetns("nl");
        using var host = new TestNetns("nl");
        using NetNsHandle hostNs = NetNsHandle.Open(host.Path);
        using RtnlHandle rtnl = Open(container);
        using RtnlHandle hostRtnl = RtnlHandle.Open(hostNs);

        VethPair pair = rtnl.AddVethPair(
            new VethOptions("eth0") { PeerName = "cbtpeer0", Mtu = 1400, Mac = "02:00:00:00:00:01", PeerMac = "02:00:00:00:00:02" }, hostNs);

        LinkInfo eth0 = rtnl.GetLink("eth0")!;
        LinkInfo peer = hostRtnl.GetLink("cbtpeer0")!;
        Assert.That(rtnl.GetLink("cbtpeer0"), Is.Null, "the peer must not stay in the container namespace");
        Assert.That((eth0.Kind, eth0.Mtu, eth0.Mac), Is.EqualTo(("veth", 1400, "02:00:00:00:00:01")));
        Assert.That((peer.Kind, peer.Mtu, peer.Mac), Is.EqualTo(("veth", 1400, "02:00:00:00:00:02")));
        Assert.That(eth0.LinkIndex, Is.EqualTo(peer.Index), "IFLA_LINK of one end is the other end's ifindex");
        Assert.That(peer.LinkIndex, Is.EqualTo(eth0.Index));
        Assert.That(eth0.LinkNetNsId, Is.Not.Null, "a peer in another namespace comes with IFLA_LINK_NETNSID");
        Assert.That(eth0.KindData, Is.EqualTo(new VethData(peer.Index, eth0.LinkNetNsId)));
        Assert.That(pair, Is.EqualTo(new VethPair(eth0, "cbtpeer0")));
        Assert.That(host.IpIn("link", "show", "cbtpeer0"), Does.Contain("link-netns " + container.Name).Or.Contain("link-netnsid"));
    }

    [Test]
    public void AddVethPairRetriesRandomHostNamesThatExist()
    {
        using var container = new TestNetns("nl");
        using var host = new TestNetns("nl");
        host.IpIn("link", "add", "vethtaken", "type", "ifb");
        using NetNsHandle hostNs = NetNsHandle.Open(host.Path);
        using RtnlHandle rtnl = Open(container);
        var names = new Queue<string>(["vethtaken", "vethtaken", "vethfree01"]);

        VethPair pair = rtnl.AddVethPair(new VethOptions("eth0"), hostNs, names.Dequeue);

        Assert.That(pair.HostName, Is.EqualTo("vethfree01"));
        Assert.That(pair.Container.Name, Is.EqualTo("eth0"));
        Assert.That(names, Is.Empty);
        using RtnlHandle hostRtnl = RtnlHandle.Open(hostNs);
        Assert.That(hostRtnl.GetLink("vethfree01")!.Index, Is.EqualTo(pair.Container.LinkIndex));
    }

    [Test]
    public void AddVethPairWithRandomNamesCreatesVethPlus8Hex()
    {
        using var container = new TestNetns("nl");
        using var host = new TestNetns("nl");
        using NetNsHandle hostNs = NetNsHandle.Open(host.Path);
        using RtnlHandle rtnl = Open(container);
        VethPair pair = rtnl.AddVethPair(new VethOptions("eth0") { Mtu = 1450, Mac = "02:00:00:00:00:07" }, hostNs);
        Assert.That(pair.HostName, Does.Match("^veth[0-9a-f]{8}$"));
        Assert.That((pair.Container.Mtu, pair.Container.Mac), Is.EqualTo((1450, "02:00:00:00:00:07")));
        Assert.That(host.IpIn("link", "show", pair.HostName), Does.Contain("mtu 1450"));
    }

    [Test]
    public void AddVethPairSurfacesATakenContainerNameWithoutRetrying()
    {
        using var container = new TestNetns("nl");
        using var host = new TestNetns("nl");
        container.IpIn("link", "add", "eth0", "type", "ifb");
        using NetNsHandle hostNs = NetNsHandle.Open(host.Path);
        using RtnlHandle rtnl = Open(container);
        int calls = 0;
        var e = Assert.Throws<LinkNameExistsException>(() => rtnl.AddVethPair(new VethOptions("eth0"), hostNs, () => $"vethc{++calls:x5}"));
        Assert.That(e!.Message, Is.EqualTo("container veth name provided (eth0) already exists"));
        Assert.That(e.Errno, Is.EqualTo(Errno.EEXIST));
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(host.IpIn("-o", "link", "show"), Does.Not.Contain("vethc"));
    }

    [Test]
    public void BridgeWithEnslavedPortReadsBackHairpinAndIsolated()
    {
        using var test = new TestNetns("nl");
        test.IpIn("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        using RtnlHandle rtnl = Open(test);
        rtnl.AddBridge("cbtbr0", mtu: 1400);
        LinkInfo bridge = rtnl.GetLink("cbtbr0")!;
        int v0 = rtnl.GetLink("v0")!.Index;
        Assert.That((bridge.Kind, bridge.Mtu), Is.EqualTo(("bridge", 1400)));
        Assert.That(bridge.KindData, Is.TypeOf<BridgeData>().With.Property(nameof(BridgeData.AgeingTime)).EqualTo(30000));

        rtnl.SetLinkMaster(v0, bridge.Index);
        Assert.That(rtnl.GetLink(v0)!.MasterIndex, Is.EqualTo(bridge.Index));
        Assert.That(rtnl.GetLink(v0)!.BridgePort, Is.EqualTo(new BridgePortInfo(false, false, 0)));

        rtnl.SetBridgePortFlags(v0, hairpin: true, isolated: true);
        Assert.That(rtnl.GetLink(v0)!.BridgePort, Is.EqualTo(new BridgePortInfo(true, true, 0)));
        Assert.That(test.IpIn("-d", "link", "show", "v0"), Does.Contain("hairpin on").And.Contain("isolated on"));

        rtnl.SetBridgePortFlags(v0, isolated: false);
        Assert.That(rtnl.GetLink(v0)!.BridgePort, Is.EqualTo(new BridgePortInfo(true, false, 0)));

        rtnl.SetLinkMaster(v0, 0);
        Assert.That(rtnl.GetLink(v0)!.MasterIndex, Is.Zero);
        Assert.That(rtnl.GetLink(v0)!.BridgePort, Is.Null);
    }

    [Test]
    public void BridgeVlansWorkOrReportTheMissingKernelFeature()
    {
        using var test = new TestNetns("nl");
        test.IpIn("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        using RtnlHandle rtnl = Open(test);
        try
        {
            rtnl.AddBridge("cbtbr0", vlanFiltering: true);
        }
        catch (NotSupportedByKernelException e)
        {
            Assert.That(e.Errno, Is.EqualTo(Errno.EOPNOTSUPP));
            Assert.That(e.Message, Does.Contain("CONFIG_BRIDGE_VLAN_FILTERING"));
            rtnl.AddBridge("cbtbr0");
        }
        int v0 = rtnl.GetLink("v0")!.Index;
        rtnl.SetLinkMaster(v0, rtnl.GetLink("cbtbr0")!.Index);
        try
        {
            rtnl.AddBridgeVlan(v0, new BridgeVlan(10, Pvid: true, Untagged: true));
        }
        catch (NotSupportedByKernelException e)
        {
            Assert.That(e.Message, Does.EndWith("this kernel does not support bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING)"));
            Assert.That(rtnl.ListBridgeVlans(v0), Is.Empty);
            Assert.Ignore("kernel without CONFIG_BRIDGE_VLAN_FILTERING: " + e.Message);
        }
        rtnl.AddBridgeVlan(v0, new BridgeVlan(20, Pvid: false, Untagged: false));
        Assert.That(rtnl.ListBridgeVlans(v0), Does.Contain(new BridgeVlan(10, true, true)).And.Contain(new BridgeVlan(20, false, false)));
        rtnl.DeleteBridgeVlan(v0, 20);
        Assert.That(rtnl.ListBridgeVlans(v0), Does.Not.Contain(new BridgeVlan(20, false, false)));
    }

    [Test]
    public void SettersChangeMacNamePromiscTxqueuelenAndNamespace()
    {
        using var test = new TestNetns("nl");
        using var other = new TestNetns("nl");
        test.IpIn("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        using RtnlHandle rtnl = Open(test);
        int v0 = rtnl.GetLink("v0")!.Index;

        rtnl.SetLinkMac(v0, "02:00:00:00:00:42");
        rtnl.SetLinkName(v0, "cbtren0");
        rtnl.SetLinkPromisc(v0, true);
        rtnl.SetLinkTxQueueLen(v0, 500);
        LinkInfo link = rtnl.GetLink(v0)!;
        Assert.That((link.Name, link.Mac, link.IsPromisc, link.TxQueueLength), Is.EqualTo(("cbtren0", "02:00:00:00:00:42", true, 500)));
        Assert.That(test.IpIn("link", "show", "cbtren0"), Does.Contain("PROMISC").And.Contain("qlen 500"));
        rtnl.SetLinkPromisc(v0, false);
        Assert.That(rtnl.GetLink(v0)!.IsPromisc, Is.False);

        using NetNsHandle otherNs = NetNsHandle.Open(other.Path);
        rtnl.SetLinkNamespace(v0, otherNs);
        Assert.That(rtnl.GetLink("cbtren0"), Is.Null);
        Assert.That(other.IpIn("link", "show", "cbtren0"), Does.Contain("02:00:00:00:00:42"));
    }

    [Test]
    public void AllmultiAndRawAddressSettersChangeTheLink()
    {
        using var test = new TestNetns("nl");
        test.IpIn("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        using RtnlHandle rtnl = Open(test);
        int v0 = rtnl.GetLink("v0")!.Index;

        rtnl.SetLinkAllmulti(v0, true);
        rtnl.SetLinkAddress(v0, [0x02, 0, 0, 0, 0, 0x43]);
        LinkInfo link = rtnl.GetLink(v0)!;
        Assert.That((link.IsAllMulti, link.Mac), Is.EqualTo((true, "02:00:00:00:00:43")));
        Assert.That(test.IpIn("link", "show", "v0"), Does.Contain("ALLMULTI"));
        rtnl.SetLinkAllmulti(v0, false);
        Assert.That(rtnl.GetLink(v0)!.IsAllMulti, Is.False);
    }

    [Test]
    public void MacvlanAndIfbAreCreatedAndDeletedByIndexAndByName()
    {
        using var test = new TestNetns("nl");
        test.IpIn("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        using RtnlHandle rtnl = Open(test);
        int parent = rtnl.GetLink("v1")!.Index;
        rtnl.AddMacvlan(new MacvlanOptions("mv0", parent, "bridge") { Mtu = 1400 });
        rtnl.AddIfb("cbtifb0");
        LinkInfo mv0 = rtnl.GetLink("mv0")!;
        Assert.That((mv0.Kind, mv0.Mtu, mv0.LinkIndex), Is.EqualTo(("macvlan", 1400, parent)));
        Assert.That(mv0.KindData, Is.TypeOf<MacvlanData>().With.Property(nameof(MacvlanData.Mode)).EqualTo("bridge"));
        Assert.That(test.IpIn("-d", "link", "show", "mv0"), Does.Contain("macvlan mode bridge"));
        Assert.That(rtnl.GetLink("cbtifb0")!.Kind, Is.EqualTo("ifb"));

        rtnl.DeleteLink(mv0.Index);
        rtnl.DeleteLink("cbtifb0");
        Assert.That(rtnl.GetLink("mv0"), Is.Null);
        Assert.That(rtnl.GetLink("cbtifb0"), Is.Null);
        Assert.That(Assert.Throws<NetlinkException>(() => rtnl.DeleteLink("cbtifb0"))!.IsNotFound, Is.True);
        Assert.That(Assert.Throws<NetlinkException>(() => rtnl.DeleteLink(mv0.Index))!.IsNotFound, Is.True);
    }

    [Test]
    public void WaitForOperUpReturnsWhenThePeerComesUp()
    {
        using var test = new TestNetns("nl");
        test.IpIn("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        using RtnlHandle rtnl = Open(test);
        int v0 = rtnl.GetLink("v0")!.Index;
        int v1 = rtnl.GetLink("v1")!.Index;
        rtnl.SetLinkUp(v0);
        Assert.Throws<TimeoutException>(() => rtnl.WaitForOperUp(v0, TimeSpan.FromMilliseconds(100)));

        var started = System.Diagnostics.Stopwatch.StartNew();
        Task bringUp = Task.Run(() =>
        {
            Thread.Sleep(50);
            rtnl.SetLinkUp(v1);
        });
        LinkInfo up = rtnl.WaitForOperUp(v0, TimeSpan.FromSeconds(5));
        bringUp.Wait();
        Assert.That(up.OperState, Is.EqualTo(OperState.Up));
        Assert.That(started.ElapsedMilliseconds, Is.LessThan(2000));
        Assert.That(rtnl.WaitForOperUp(v0, TimeSpan.Zero).OperState, Is.EqualTo(OperState.Up), "already up returns at once");
    }
}
