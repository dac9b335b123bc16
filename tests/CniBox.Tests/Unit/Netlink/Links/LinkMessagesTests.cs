using CniBox.Netlink.Links;
using CniBox.Tests.Unit.Netlink.Captures;

namespace CniBox.Tests.Unit.Netlink.Links;

/// <summary>
/// Requests captured once with <c>strace -f -e trace=sendmsg,sendto -e write=all ip ...</c> (iproute2 6.1)
/// in a throwaway netns; our builders must produce the same bytes for the same seq. Little-endian host.
/// </summary>
[TestFixture]
public sealed class LinkMessagesTests
{
    [Test]
    public void SetLinkUpMatchesIpLinkSetLoUp()
    {
        byte[] golden =
        [
            0x20, 0x00, 0x00, 0x00, // nlmsg_len 32
            0x10, 0x00,             // RTM_NEWLINK
            0x05, 0x00,             // NLM_F_REQUEST | NLM_F_ACK
            0xb3, 0x01, 0x04, 0x6b, // seq 1795424691
            0x00, 0x00, 0x00, 0x00, // pid 0
            0x00, 0x00,             // ifi_family AF_UNSPEC, pad
            0x00, 0x00,             // ifi_type 0
            0x01, 0x00, 0x00, 0x00, // ifi_index 1
            0x01, 0x00, 0x00, 0x00, // ifi_flags IFF_UP
            0x01, 0x00, 0x00, 0x00, // ifi_change IFF_UP
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetFlags(ref w, 1795424691, 1, InterfaceFlags.Up, InterfaceFlags.Up));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetLinkDownMatchesIpLinkSetLoDown()
    {
        byte[] golden =
        [
            0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, // len 32, RTM_NEWLINK, REQUEST|ACK
            0xb3, 0x01, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00, // seq 1795424691, pid 0
            0x00, 0x00, 0x00, 0x00,                         // AF_UNSPEC, pad, type 0
            0x01, 0x00, 0x00, 0x00,                         // ifi_index 1
            0x00, 0x00, 0x00, 0x00,                         // ifi_flags 0
            0x01, 0x00, 0x00, 0x00,                         // ifi_change IFF_UP
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetFlags(ref w, 1795424691, 1, InterfaceFlags.None, InterfaceFlags.Up));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetMtuMatchesIpLinkSetLoMtu10()
    {
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, // len 40, RTM_NEWLINK, REQUEST|ACK
            0xb4, 0x01, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00, // seq 1795424692, pid 0
            0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // AF_UNSPEC, type 0, ifi_index 1
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // ifi_flags 0, ifi_change 0
            0x08, 0x00, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00, // IFLA_MTU len 8 = 10
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetMtu(ref w, 1795424692, 1, 10));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void GetByNameMatchesTheLookupOfIpLinkSetLoUp()
    {
        byte[] golden =
        [
            0x30, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x00, // len 48, RTM_GETLINK, NLM_F_REQUEST
            0xb3, 0x01, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00, // seq 1795424691, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // ifinfomsg: AF_UNSPEC, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // flags 0, change 0
            0x08, 0x00, 0x1d, 0x00, 0x09, 0x00, 0x00, 0x00, // IFLA_EXT_MASK = RTEXT_FILTER_VF | SKIP_STATS
            0x07, 0x00, 0x03, 0x00, 0x6c, 0x6f, 0x00, 0x00, // IFLA_IFNAME len 7 "lo\0" + 1 pad
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.GetByName(ref w, 1795424691, "lo"));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void GetByIndexMatchesIpAddrShowDevLo()
    {
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x00, // len 40, RTM_GETLINK, NLM_F_REQUEST
            0xd0, 0x01, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00, // seq 1795424720, pid 0
            0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // AF_UNSPEC, ifi_index 1
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // flags 0, change 0
            0x08, 0x00, 0x1d, 0x00, 0x09, 0x00, 0x00, 0x00, // IFLA_EXT_MASK = VF | SKIP_STATS
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.GetByIndex(ref w, 1795424720, 1));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DumpMatchesTheLinkDumpOfIpAddrShow()
    {
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x03, // len 40, RTM_GETLINK, REQUEST | NLM_F_DUMP
            0xd0, 0x01, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00, // seq 1795424720, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // AF_UNSPEC, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // flags 0, change 0
            0x08, 0x00, 0x1d, 0x00, 0x01, 0x00, 0x00, 0x00, // IFLA_EXT_MASK = RTEXT_FILTER_VF
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.Dump(ref w, 1795424720));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void GetByNameRejectsNamesLongerThanIFNAMSIZ()
    {
        Assert.Throws<ArgumentException>(() => GoldenRequest.Of((ref w) => LinkMessages.GetByName(ref w, 1, "sixteen-chars-xx")));
    }

    [Test]
    public void ParsesTheKernelReplyForLo()
    {
        LinkInfo? link = LinkMessages.Parse(GoldenRequest.Single(LoopbackLinkReply.Bytes));
        Assert.That(link, Is.EqualTo(new LinkInfo(
            Index: 1, Name: "lo",
            Flags: InterfaceFlags.Up | InterfaceFlags.Loopback | InterfaceFlags.Running | InterfaceFlags.LowerUp,
            OperState: OperState.Unknown, Mtu: 65536, Mac: "00:00:00:00:00:00", Kind: null, MasterIndex: 0, Type: 772, TxQueueLength: 1000)));
    }

    [Test]
    public void ParsesTheKernelReplyForAVeth()
    {
        LinkInfo? link = LinkMessages.Parse(GoldenRequest.Single(VethLinkReply.Bytes));
        Assert.That(link, Is.EqualTo(new LinkInfo(
            Index: 3, Name: "v0", Flags: InterfaceFlags.Broadcast | InterfaceFlags.Multicast,
            OperState: OperState.Down, Mtu: 1500, Mac: "3a:e7:72:b9:b4:4c", Kind: "veth", MasterIndex: 0, Type: 1, LinkIndex: 2, TxQueueLength: 1000,
            KindData: new VethData(PeerIndex: 2, PeerNetNsId: null))));
    }
}
