using CniBox.Netlink.Links;
using CniBox.Tests.Unit.Netlink.Captures;
using static CniBox.Tests.Unit.Netlink.Captures.ChildLinkRequests;

namespace CniBox.Tests.Unit.Netlink.Links;

/// <summary>The kinds the main plugins create one of, byte for byte against iproute2's captured requests.</summary>
public class ChildLinkMessagesTests
{
    [Test]
    public void AddIpvlanInAnotherNetnsMatchesIpLinkAddTypeIpvlanModeL3()
    {
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddIpvlan(ref w, Seq, new IpvlanOptions("cbtmv1", ParentIndex, "l3") { Mtu = 1400 }, NetnsFd));
        Assert.That(built, Is.EqualTo(Bytes(IpvlanL3)));
    }

    [Test]
    public void AddIpvlanHereMatchesIpLinkAddTypeIpvlanModeL3s()
    {
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddIpvlan(ref w, Seq, new IpvlanOptions("cbtmv1", ParentIndex, "l3s")));
        Assert.That(built, Is.EqualTo(Bytes(IpvlanL3s)));
    }

    [Test]
    public void AddVlanInAnotherNetnsMatchesIpLinkAddTypeVlanId100()
    {
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddVlan(ref w, Seq, new VlanOptions("cbtmv2", ParentIndex, 100) { Mtu = 1400 }, NetnsFd));
        Assert.That(built, Is.EqualTo(Bytes(Vlan100)));
    }

    [Test]
    public void AddDummyInAnotherNetnsMatchesIpLinkAddTypeDummy()
    {
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddDummy(ref w, Seq, "cbtmv3", NetnsFd));
        Assert.That(built, Is.EqualTo(Bytes(Dummy)));
    }

    [Test]
    public void AddMacvlanWithAddressNetnsAndBroadcastQueueMatchesIpLinkAddTypeMacvlanModeSource()
    {
        var options = new MacvlanOptions("cbtmv4", ParentIndex, "source") { Mtu = 1400, Mac = "02:42:ac:11:00:05", BroadcastQueueLength = 2000 };
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddMacvlan(ref w, Seq, options, NetnsFd));
        Assert.That(built, Is.EqualTo(Bytes(MacvlanSource)));
    }

    [TestCase("l2", 0)]
    [TestCase("l3", 1)]
    [TestCase("l3s", 2)]
    public void IpvlanModeKeywordsRoundTrip(string mode, int value)
    {
        Assert.That(LinkMessages.IpvlanMode(mode), Is.EqualTo(value));
        Assert.That(LinkMessages.IpvlanModeName((ushort)value), Is.EqualTo(mode));
    }

    [Test]
    public void RefusedOptionsAreRefusedBeforeAnythingIsSent()
    {
        Assert.Throws<ArgumentException>(() => GoldenRequest.Of((ref w) => LinkMessages.AddIpvlan(ref w, 1, new IpvlanOptions("x", 2, "bridge"))));
        Assert.Throws<ArgumentException>(() => GoldenRequest.Of((ref w) => LinkMessages.AddVlan(ref w, 1, new VlanOptions("x", 2, 4095))));
        Assert.Throws<ArgumentException>(() => GoldenRequest.Of((ref w) => LinkMessages.AddDummy(ref w, 1, "sixteen-chars-xx")));
    }

    /// <summary>The kernel describes a link with the same IFLA_LINKINFO layout it is created with.</summary>
    [Test]
    public void IpvlanAndVlanKindDataAreReadFromTheirLinkInfo()
    {
        var ipvlan = LinkMessages.Parse(GoldenRequest.Single(Bytes(IpvlanL3)))!;
        var vlan = LinkMessages.Parse(GoldenRequest.Single(Bytes(Vlan100)))!;
        var dummy = LinkMessages.Parse(GoldenRequest.Single(Bytes(Dummy)))!;
        Assert.That((ipvlan.Kind, ipvlan.KindData, ipvlan.Mtu, ipvlan.LinkIndex), Is.EqualTo(("ipvlan", (LinkKindData)new IpvlanData("l3"), 1400, 3)));
        Assert.That((vlan.Kind, vlan.KindData), Is.EqualTo(("vlan", (LinkKindData)new VlanData(100))));
        Assert.That((dummy.Kind, dummy.KindData, dummy.Name), Is.EqualTo(("dummy", (LinkKindData?)null, "cbtmv3")));
    }
}
