
using CniBox.Netlink.Links;

namespace CniBox.Tests.Unit.Netlink.Links;

/// <summary>
/// RTM_NEWLINK creations and RTM_DELLINK. Captured once with <c>strace -f -s 65535 -e trace=sendmsg,sendto ip|bridge ...</c> (iproute2 6.1,
/// kernel 6.18) in a throwaway <c>cbt-nl-*</c> netns; our builders must produce the same bytes for the same
/// seq. Little-endian host.
/// </summary>
[TestFixture]
public sealed class LinkCreateMessagesTests
{
    [Test]
    public void AddVethMatchesIpLinkAddVethWithMtuAddressAndPeerNetns()
    {
        // ip link add cv0 mtu 1400 address 02:00:00:00:00:01 type veth peer name cv1 mtu 1400 address 02:00:00:00:00:02 netns NS (fd 4)
        byte[] golden =
        [
            0x84, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06,                 // len 132, RTM_NEWLINK, REQUEST | ACK | EXCL | CREATE
            0x19, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426073, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x04, 0x00, 0x78, 0x05, 0x00, 0x00,                 // IFLA_MTU len 8 = 1400
            0x0a, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,                 // IFLA_ADDRESS len 10 = 02:00:00:00:00:01 + 2 pad
            0x00, 0x01, 0x00, 0x00,
            0x08, 0x00, 0x03, 0x00, 0x63, 0x76, 0x30, 0x00,                 // IFLA_IFNAME len 8 = "cv0"
            0x48, 0x00, 0x12, 0x00,                                         // IFLA_LINKINFO len 72
                0x08, 0x00, 0x01, 0x00, 0x76, 0x65, 0x74, 0x68,             // IFLA_INFO_KIND len 8 = "veth"
                0x3c, 0x00, 0x02, 0x00,                                     // IFLA_INFO_DATA len 60
                    0x38, 0x00, 0x01, 0x00,                                 // VETH_INFO_PEER len 56: ifinfomsg + attrs
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,     // peer ifinfomsg (all zero)
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                        0x08, 0x00, 0x04, 0x00, 0x78, 0x05, 0x00, 0x00,     // IFLA_MTU len 8 = 1400
                        0x0a, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,     // IFLA_ADDRESS len 10 = 02:00:00:00:00:02 + 2 pad
                        0x00, 0x02, 0x00, 0x00,
                        0x08, 0x00, 0x1c, 0x00, 0x04, 0x00, 0x00, 0x00,     // IFLA_NET_NS_FD len 8 = 4
                        0x08, 0x00, 0x03, 0x00, 0x63, 0x76, 0x31, 0x00,     // IFLA_IFNAME len 8 = "cv1"
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddVeth(ref w, 1795426073,
            new VethOptions("cv0") { PeerName = "cv1", Mtu = 1400, Mac = "02:00:00:00:00:01", PeerMac = "02:00:00:00:00:02" }, peerNsFd: 4));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddVethWithoutOptionsMatchesIpLinkAddVethPeerNetns()
    {
        // ip link add cv2 type veth peer name cv3 netns NS (fd 4)
        byte[] golden =
        [
            0x5c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06,                 // len 92, RTM_NEWLINK, REQUEST | ACK | EXCL | CREATE
            0x19, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426073, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x03, 0x00, 0x63, 0x76, 0x32, 0x00,                 // IFLA_IFNAME len 8 = "cv2"
            0x34, 0x00, 0x12, 0x00,                                         // IFLA_LINKINFO len 52
                0x08, 0x00, 0x01, 0x00, 0x76, 0x65, 0x74, 0x68,             // IFLA_INFO_KIND len 8 = "veth"
                0x28, 0x00, 0x02, 0x00,                                     // IFLA_INFO_DATA len 40
                    0x24, 0x00, 0x01, 0x00,                                 // VETH_INFO_PEER len 36: ifinfomsg + attrs
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,     // peer ifinfomsg (all zero)
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                        0x08, 0x00, 0x1c, 0x00, 0x04, 0x00, 0x00, 0x00,     // IFLA_NET_NS_FD len 8 = 4
                        0x08, 0x00, 0x03, 0x00, 0x63, 0x76, 0x33, 0x00,     // IFLA_IFNAME len 8 = "cv3"
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddVeth(ref w, 1795426073, new VethOptions("cv2") { PeerName = "cv3" }, peerNsFd: 4));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddBridgeMatchesIpLinkAddTypeBridgeWithMtu()
    {
        // ip link add cbtbr0 mtu 1400 type bridge
        byte[] golden =
        [
            0x44, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06,                 // len 68, RTM_NEWLINK, REQUEST | ACK | EXCL | CREATE
            0x19, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426073, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x04, 0x00, 0x78, 0x05, 0x00, 0x00,                 // IFLA_MTU len 8 = 1400
            0x0b, 0x00, 0x03, 0x00, 0x63, 0x62, 0x74, 0x62,                 // IFLA_IFNAME len 11 = "cbtbr0" + 1 pad
            0x72, 0x30, 0x00, 0x00,
            0x10, 0x00, 0x12, 0x00,                                         // IFLA_LINKINFO len 16
                0x0a, 0x00, 0x01, 0x00, 0x62, 0x72, 0x69, 0x64,             // IFLA_INFO_KIND len 10 = "bridge" + 2 pad
                0x67, 0x65, 0x00, 0x00,
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddBridge(ref w, 1795426073, "cbtbr0", 1400));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddBridgeMatchesIpLinkAddTypeBridge()
    {
        // ip link add cbtbr2 type bridge
        byte[] golden =
        [
            0x3c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06,                 // len 60, RTM_NEWLINK, REQUEST | ACK | EXCL | CREATE
            0x19, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426073, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x0b, 0x00, 0x03, 0x00, 0x63, 0x62, 0x74, 0x62,                 // IFLA_IFNAME len 11 = "cbtbr2" + 1 pad
            0x72, 0x32, 0x00, 0x00,
            0x10, 0x00, 0x12, 0x00,                                         // IFLA_LINKINFO len 16
                0x0a, 0x00, 0x01, 0x00, 0x62, 0x72, 0x69, 0x64,             // IFLA_INFO_KIND len 10 = "bridge" + 2 pad
                0x67, 0x65, 0x00, 0x00,
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddBridge(ref w, 1795426073, "cbtbr2"));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddBridgeWithVlanFilteringMatchesIproute()
    {
        // ip link add cbtbr1 type bridge vlan_filtering 1 (this kernel answers EOPNOTSUPP)
        byte[] golden =
        [
            0x48, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06,                 // len 72, RTM_NEWLINK, REQUEST | ACK | EXCL | CREATE
            0x19, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426073, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x0b, 0x00, 0x03, 0x00, 0x63, 0x62, 0x74, 0x62,                 // IFLA_IFNAME len 11 = "cbtbr1" + 1 pad
            0x72, 0x31, 0x00, 0x00,
            0x1c, 0x00, 0x12, 0x00,                                         // IFLA_LINKINFO len 28
                0x0a, 0x00, 0x01, 0x00, 0x62, 0x72, 0x69, 0x64,             // IFLA_INFO_KIND len 10 = "bridge" + 2 pad
                0x67, 0x65, 0x00, 0x00,
                0x0c, 0x00, 0x02, 0x00,                                     // IFLA_INFO_DATA len 12
                    0x05, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00, 0x00,         // IFLA_BR_VLAN_FILTERING len 5 = 1 + 3 pad
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddBridge(ref w, 1795426073, "cbtbr1", vlanFiltering: true));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddMacvlanMatchesIpLinkAddTypeMacvlanModeBridge()
    {
        // ip link add mv0 link v1 mtu 1400 type macvlan mode bridge (v1 is ifindex 2)
        byte[] golden =
        [
            0x54, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06,                 // len 84, RTM_NEWLINK, REQUEST | ACK | EXCL | CREATE
            0x1a, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426074, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x04, 0x00, 0x78, 0x05, 0x00, 0x00,                 // IFLA_MTU len 8 = 1400
            0x08, 0x00, 0x05, 0x00, 0x02, 0x00, 0x00, 0x00,                 // IFLA_LINK len 8 = 2
            0x08, 0x00, 0x03, 0x00, 0x6d, 0x76, 0x30, 0x00,                 // IFLA_IFNAME len 8 = "mv0"
            0x1c, 0x00, 0x12, 0x00,                                         // IFLA_LINKINFO len 28
                0x0b, 0x00, 0x01, 0x00, 0x6d, 0x61, 0x63, 0x76,             // IFLA_INFO_KIND len 11 = "macvlan" + 1 pad
                0x6c, 0x61, 0x6e, 0x00,
                0x0c, 0x00, 0x02, 0x00,                                     // IFLA_INFO_DATA len 12
                    0x08, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00,         // IFLA_MACVLAN_MODE len 8 = 4
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddMacvlan(ref w, 1795426074, new MacvlanOptions("mv0", 2, "bridge") { Mtu = 1400 }));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddIfbMatchesIpLinkAddTypeIfb()
    {
        // ip link add ifb0 type ifb
        byte[] golden =
        [
            0x38, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06,                 // len 56, RTM_NEWLINK, REQUEST | ACK | EXCL | CREATE
            0x1a, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426074, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x09, 0x00, 0x03, 0x00, 0x69, 0x66, 0x62, 0x30,                 // IFLA_IFNAME len 9 = "ifb0" + 3 pad
            0x00, 0x00, 0x00, 0x00,
            0x0c, 0x00, 0x12, 0x00,                                         // IFLA_LINKINFO len 12
                0x07, 0x00, 0x01, 0x00, 0x69, 0x66, 0x62, 0x00,             // IFLA_INFO_KIND len 7 = "ifb" + 1 pad
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddIfb(ref w, 1795426074, "ifb0"));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DeleteByIndexMatchesIpLinkDel()
    {
        // ip link del mv0 (resolved to ifindex 10 first)
        byte[] golden =
        [
            0x20, 0x00, 0x00, 0x00, 0x11, 0x00, 0x05, 0x00,                 // len 32, RTM_DELLINK, REQUEST | ACK
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 10
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.Delete(ref w, 1795426077, 10));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DeleteByNameSendsIFLAIFNAMEInOneRequest()
    {
        // ip link del dev ifb0 resolves the name with RTM_GETLINK, then sends RTM_DELLINK for ifindex 11.
        // We send ifindex 0 + IFLA_IFNAME instead (the kernel's rtnl_dellink accepts it): the header is the
        // captured one, the attribute is written as GetByName writes it.
        byte[] golden =
        [
            0x2c, 0x00, 0x00, 0x00, 0x11, 0x00, 0x05, 0x00, // len 44, RTM_DELLINK, REQUEST | ACK
            0x1a, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00, // seq 1795426074, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // ifi_flags 0x0, ifi_change 0x0
            0x09, 0x00, 0x03, 0x00, 0x69, 0x66, 0x62, 0x30, // IFLA_IFNAME len 9 = "ifb0" + 3 pad
            0x00, 0x00, 0x00, 0x00,
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.Delete(ref w, 1795426074, "ifb0"));
        Assert.That(built, Is.EqualTo(golden));
    }

    [TestCase("")]
    [TestCase("sixteen-chars-xx")]
    [TestCase("a/b")]
    [TestCase("a b")]
    [TestCase("..")]
    public void BadNamesAreRefusedBeforeAnythingIsSent(string name)
    {
        Assert.Throws<ArgumentException>(() => GoldenRequest.Of((ref w) => LinkMessages.AddVeth(ref w, 1, new VethOptions(name) { PeerName = "vethx" }, -1)));
        Assert.Throws<ArgumentException>(() => GoldenRequest.Of((ref w) => LinkMessages.AddBridge(ref w, 1, name)));
    }

    [Test]
    public void UnknownMacvlanModeIsRefused()
    {
        Assert.Throws<ArgumentException>(() => GoldenRequest.Of((ref w) => LinkMessages.AddMacvlan(ref w, 1, new MacvlanOptions("mv0", 2, "bridged"))));
        Assert.That(LinkMessages.MacvlanMode("passthru"), Is.EqualTo(8));
    }
}
