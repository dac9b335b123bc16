using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Tests.Unit.Netlink.Captures;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Tests.Unit.Netlink.Links;

/// <summary>IFLA_INFO_DATA (and a veth's IFLA_LINK) decoded per kind into <see cref="LinkInfo.KindData"/>, from real dumps.</summary>
[TestFixture]
public sealed class LinkKindDataTests
{
    [Test]
    public void ABridgeKeepsItsIFLABRAttributes()
    {
        LinkInfo link = LinkMessages.Parse(GoldenRequest.Single(BridgeLinkReply.Bytes))!;
        Assert.That((link.Index, link.Name, link.Kind), Is.EqualTo((3, "cbtbr0", "bridge")));
        Assert.That(link.KindData, Is.EqualTo(new BridgeData
        {
            VlanFiltering = false,
            VlanDefaultPvid = null,
            StpState = 1,
            AgeingTime = 15000,
            MulticastSnooping = true,
        }));
    }

    [Test]
    public void AMacvlanKeepsItsModeFlagsAndBroadcastQueueAndNamesItsParent()
    {
        LinkInfo link = LinkMessages.Parse(GoldenRequest.Single(MacvlanLinkReply.Bytes))!;
        Assert.That((link.Index, link.Name, link.Kind, link.LinkIndex), Is.EqualTo((6, "cbtmv0", "macvlan", 5)));
        Assert.That(link.KindData, Is.EqualTo(new MacvlanData("private", Flags: 0, BroadcastQueueLength: 2000)));
    }

    [Test]
    public void AVethWhosePeerLivesElsewhereNamesItByIndexAndNetnsid()
    {
        LinkInfo link = LinkMessages.Parse(GoldenRequest.Single(VethPeerElsewhereLinkReply.Bytes))!;
        Assert.That((link.Index, link.Name, link.Kind), Is.EqualTo((8, "cbtv0", "veth")));
        Assert.That(link.KindData, Is.EqualTo(new VethData(PeerIndex: 2, PeerNetNsId: 0)));
    }

    [Test]
    public void ABridgePortVethHasBothItsOwnKindDataAndThePortFlags()
    {
        LinkInfo link = LinkMessages.Parse(GoldenRequest.Single(BridgePortLinkReply.Bytes))!;
        Assert.That(link.KindData, Is.EqualTo(new VethData(PeerIndex: 2, PeerNetNsId: null)));
        Assert.That(link.BridgePort, Is.Not.Null);
    }

    [Test]
    public void IfbAndKindLessLinksHaveNoKindData()
    {
        LinkInfo ifb = LinkMessages.Parse(GoldenRequest.Single(IfbLinkReply.Bytes))!;
        Assert.That((ifb.Name, ifb.Kind, ifb.KindData), Is.EqualTo(("cbtifb0", "ifb", (LinkKindData?)null)));
        LinkInfo lo = LinkMessages.Parse(GoldenRequest.Single(LoopbackLinkReply.Bytes))!;
        Assert.That((lo.Kind, lo.KindData), Is.EqualTo(((string?)null, (LinkKindData?)null)));
    }

    [Test]
    public void KindDataIsDecodedWhenIFLAINFODATAComesBeforeIFLAINFOKIND()
    {
        byte[] message = GoldenRequest.Of((ref NetlinkWriter w) =>
        {
            w.BeginMessage(RTM_NEWLINK, 0, 1);
            w.WriteStruct(new IfInfoMsg { ifi_index = 9 });
            w.PutStringZ(IFLA_IFNAME, "mv9");
            NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
            NestToken data = w.BeginNest(IFLA_INFO_DATA);
            w.PutU32(IFLA_MACVLAN_MODE, MACVLAN_MODE_VEPA);
            w.EndNest(data);
            w.PutString(IFLA_INFO_KIND, "macvlan");
            w.EndNest(linkInfo);
            w.EndMessage();
        });
        Assert.That(LinkMessages.Parse(GoldenRequest.Single(message))!.KindData, Is.EqualTo(new MacvlanData("vepa")));
    }

    [TestCase("private")]
    [TestCase("vepa")]
    [TestCase("bridge")]
    [TestCase("passthru")]
    [TestCase("source")]
    public void MacvlanModeKeywordsRoundTrip(string mode) =>
        Assert.That(LinkMessages.MacvlanModeName(LinkMessages.MacvlanMode(mode)), Is.EqualTo(mode));

    [Test]
    public void AnUnknownMacvlanModeIsShownAsItsNumber() =>
        Assert.That(LinkMessages.MacvlanModeName(32), Is.EqualTo("32"));
}
