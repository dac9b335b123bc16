using CniBox.Applets.Common.Chained;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Chained;

/// <summary>The host end of a container veth, found through the kernel, in two throwaway cbt-peer-* namespaces.</summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class VethPeerTests
{
    private TestNetns _container = null!;
    private TestNetns _host = null!;
    private RtnlHandle _containerRtnl = null!;
    private RtnlHandle _hostRtnl = null!;

    [SetUp]
    public void SetUp()
    {
        TestNetns.RequireRoot();
        _container = new TestNetns("peer");
        _host = new TestNetns("peer");
        // Links before the veth, so the host end's index differs from the container end's.
        _host.IpIn("link", "add", "cbtifb0", "type", "ifb");
        _host.IpIn("link", "add", "cbtifb1", "type", "ifb");
        _container.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbtpeer0", "netns", _host.Name);
        _container.IpIn("link", "add", "eth1", "type", "ifb");
        using (var ns = NetNsHandle.Open(_container.Path)) _containerRtnl = RtnlHandle.Open(ns);
        using (var ns = NetNsHandle.Open(_host.Path)) _hostRtnl = RtnlHandle.Open(ns);
    }

    [TearDown]
    public void TearDown()
    {
        _containerRtnl?.Dispose();
        _hostRtnl?.Dispose();
        _container?.Dispose();
        _host?.Dispose();
    }

    private static List<ResultInterface> Interfaces(params (string Name, string? Sandbox)[] list) =>
        [.. list.Select(i => new ResultInterface { Name = i.Name, Sandbox = i.Sandbox })];

    [Test]
    public void ThePeerIsTheHostInterfaceOfThatIndex()
    {
        var interfaces = Interfaces(("cbtifb0", null), ("cbtpeer0", null), ("eth0", "/var/run/netns/x"));
        var found = VethPeer.Find(_containerRtnl, _hostRtnl, "eth0", interfaces);
        Assert.That(found.Interface, Is.SameAs(interfaces[1]));
        Assert.That(found.Link.Index, Is.EqualTo(_hostRtnl.GetLink("cbtpeer0")!.Index));
        Assert.That(found.Link.Index, Is.Not.EqualTo(_containerRtnl.GetLink("eth0")!.Index));
    }

    [Test]
    public void AResultEntryInASandboxIsNotTheHostEnd()
    {
        var e = Assert.Throws<CniException>(() =>
            VethPeer.Find(_containerRtnl, _hostRtnl, "eth0", Interfaces(("cbtpeer0", "/var/run/netns/x"))))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((999, "no veth peer of container interface found in host ns")));
    }

    [Test]
    public void AContainerInterfaceThatIsNoVethHasNoPeer()
    {
        var e = Assert.Throws<CniException>(() => VethPeer.Find(_containerRtnl, _hostRtnl, "eth1", Interfaces(("cbtpeer0", null))))!;
        Assert.That(e.Msg, Is.EqualTo("container interface eth1 has no veth peer: interface \"eth1\" was not a veth interface"));
        e = Assert.Throws<CniException>(() => VethPeer.Find(_containerRtnl, _hostRtnl, "eth9", Interfaces(("cbtpeer0", null))))!;
        Assert.That(e.Msg, Is.EqualTo("container interface eth9 has no veth peer: could not look up \"eth9\": Link not found"));
    }

    [Test]
    public void APeerInAnotherNamespaceIsNotInTheHostNs()
    {
        using var elsewhere = new TestNetns("peer");
        using var ns = NetNsHandle.Open(elsewhere.Path);
        using var other = RtnlHandle.Open(ns);
        var peerIndex = _containerRtnl.GetLink("eth0")!.LinkIndex;
        Assume.That(other.GetLink(peerIndex), Is.Null, "a fresh netns has only lo (index 1)");
        var e = Assert.Throws<CniException>(() => VethPeer.Find(_containerRtnl, other, "eth0", Interfaces(("cbtpeer0", null))))!;
        Assert.That(e.Msg, Is.EqualTo($"veth peer with index {peerIndex} is not in host ns"));
    }

    [Test]
    public void NoInterfacesIsAnError() =>
        Assert.That(Assert.Throws<CniException>(() => VethPeer.Find(_containerRtnl, _hostRtnl, "eth0", []))!.Msg,
            Is.EqualTo("no interfaces provided"));
}
