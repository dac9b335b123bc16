
using CniBox.Netlink.BridgePorts;

namespace CniBox.Tests.Unit.Netlink.BridgePorts;

/// <summary>
/// AF_BRIDGE requests of the <c>bridge</c> tool: port flags (IFLA_PROTINFO) and VLANs (IFLA_AF_SPEC). Captured once with <c>strace -f -s 65535 -e trace=sendmsg,sendto ip|bridge ...</c> (iproute2 6.1,
/// kernel 6.18) in a throwaway <c>cbt-nl-*</c> netns; our builders must produce the same bytes for the same
/// seq. Little-endian host.
/// </summary>
[TestFixture]
public sealed class BridgeMessagesTests
{
    [Test]
    public void SetPortFlagsHairpinMatchesBridgeLinkSetHairpinOn()
    {
        // bridge link set dev v0 hairpin on
        byte[] golden =
        [
            0x2c, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,                 // len 44, RTM_SETLINK, REQUEST | ACK
            0x1c, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426076, pid 0
            0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x0c, 0x00, 0x0c, 0x80,                                         // IFLA_PROTINFO len 12 (NLA_F_NESTED)
                0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,             // IFLA_BRPORT_MODE len 5 = 1 + 3 pad
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.SetPortFlags(ref w, 1795426076, 3, true, null));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetPortFlagsIsolatedMatchesBridgeLinkSetIsolatedOn()
    {
        // bridge link set dev v0 isolated on
        byte[] golden =
        [
            0x2c, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,                 // len 44, RTM_SETLINK, REQUEST | ACK
            0x1c, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426076, pid 0
            0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x0c, 0x00, 0x0c, 0x80,                                         // IFLA_PROTINFO len 12 (NLA_F_NESTED)
                0x05, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00,             // IFLA_BRPORT_ISOLATED len 5 = 1 + 3 pad
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.SetPortFlags(ref w, 1795426076, 3, null, true));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetPortFlagsBothMatchesBridgeLinkSetHairpinOffIsolatedOff()
    {
        // bridge link set dev v0 hairpin off isolated off
        byte[] golden =
        [
            0x34, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,                 // len 52, RTM_SETLINK, REQUEST | ACK
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x14, 0x00, 0x0c, 0x80,                                         // IFLA_PROTINFO len 20 (NLA_F_NESTED)
                0x05, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,             // IFLA_BRPORT_MODE len 5 = 0 + 3 pad
                0x05, 0x00, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00,             // IFLA_BRPORT_ISOLATED len 5 = 0 + 3 pad
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.SetPortFlags(ref w, 1795426077, 3, false, false));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddVlanMatchesBridgeVlanAddPvidUntaggedMaster()
    {
        // bridge vlan add dev v0 vid 10 pvid untagged master (this kernel answers EOPNOTSUPP)
        byte[] golden =
        [
            0x34, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,                 // len 52, RTM_SETLINK, REQUEST | ACK
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x14, 0x00, 0x1a, 0x00,                                         // IFLA_AF_SPEC len 20
                0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,             // IFLA_BRIDGE_FLAGS len 6 = 1 + 2 pad
                0x08, 0x00, 0x02, 0x00, 0x06, 0x00, 0x0a, 0x00,             // IFLA_BRIDGE_VLAN_INFO len 8: flags 0x6 vid 10
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.AddVlan(ref w, 1795426077, 3, new BridgeVlan(10, Pvid: true, Untagged: true), BridgeVlanTarget.Master));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddVlanWithoutMasterOrSelfMatchesBridgeVlanAdd()
    {
        // bridge vlan add dev v0 vid 20
        byte[] golden =
        [
            0x2c, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,                 // len 44, RTM_SETLINK, REQUEST | ACK
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x0c, 0x00, 0x1a, 0x00,                                         // IFLA_AF_SPEC len 12
                0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x14, 0x00,             // IFLA_BRIDGE_VLAN_INFO len 8: flags 0x0 vid 20
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.AddVlan(ref w, 1795426077, 3, new BridgeVlan(20, Pvid: false, Untagged: false), BridgeVlanTarget.None));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddVlanSelfMatchesBridgeVlanAddSelf()
    {
        // bridge vlan add dev v0 vid 20 self
        byte[] golden =
        [
            0x34, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,                 // len 52, RTM_SETLINK, REQUEST | ACK
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x14, 0x00, 0x1a, 0x00,                                         // IFLA_AF_SPEC len 20
                0x06, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,             // IFLA_BRIDGE_FLAGS len 6 = 2 + 2 pad
                0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x14, 0x00,             // IFLA_BRIDGE_VLAN_INFO len 8: flags 0x0 vid 20
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.AddVlan(ref w, 1795426077, 3, new BridgeVlan(20, Pvid: false, Untagged: false), BridgeVlanTarget.Self));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DeleteVlanMatchesBridgeVlanDelMaster()
    {
        // bridge vlan del dev v0 vid 10 master
        byte[] golden =
        [
            0x34, 0x00, 0x00, 0x00, 0x11, 0x00, 0x05, 0x00,                 // len 52, RTM_DELLINK, REQUEST | ACK
            0x3a, 0x09, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426618, pid 0
            0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x14, 0x00, 0x1a, 0x00,                                         // IFLA_AF_SPEC len 20
                0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,             // IFLA_BRIDGE_FLAGS len 6 = 1 + 2 pad
                0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x00,             // IFLA_BRIDGE_VLAN_INFO len 8: flags 0x0 vid 10
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.DeleteVlan(ref w, 1795426618, 3, 10, BridgeVlanTarget.Master));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DeleteVlanWithoutFlagsMatchesBridgeVlanDel()
    {
        // bridge vlan del dev v0 vid 10
        byte[] golden =
        [
            0x2c, 0x00, 0x00, 0x00, 0x11, 0x00, 0x05, 0x00,                 // len 44, RTM_DELLINK, REQUEST | ACK
            0x1e, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426078, pid 0
            0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x0c, 0x00, 0x1a, 0x00,                                         // IFLA_AF_SPEC len 12
                0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x00,             // IFLA_BRIDGE_VLAN_INFO len 8: flags 0x0 vid 10
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.DeleteVlan(ref w, 1795426078, 3, 10, BridgeVlanTarget.None));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DumpVlansMatchesBridgeVlanShow()
    {
        // bridge vlan show dev v0 (the second request; the first is a plain link dump)
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x03,                 // len 40, RTM_GETLINK, REQUEST | DUMP
            0x1e, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426078, pid 0
            0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 7, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x1d, 0x00, 0x02, 0x00, 0x00, 0x00,                 // IFLA_EXT_MASK len 8 = 2
        ];
        byte[] built = GoldenRequest.Of((ref w) => BridgeMessages.DumpVlans(ref w, 1795426078));
        Assert.That(built, Is.EqualTo(golden));
    }

    [TestCase((ushort)0)]
    [TestCase((ushort)4095)]
    public void VlanIdsOutside1To4094AreRefused(ushort vid) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GoldenRequest.Of((ref w) => BridgeMessages.AddVlan(ref w, 1, 3, new BridgeVlan(vid, true, true), BridgeVlanTarget.Master)));
}
