using CniBox.Netlink.Links;

namespace CniBox.Tests.Unit.Netlink.Links;

/// <summary>
/// The move-and-rename request host-device sends, against <c>strace -xx -e trace=sendmsg -e write=3 ip link set dev eth0
/// netns NS name cbthdp0</c> (iproute2 6.1; eth0 was ifindex 7, NS fd 4) in a throwaway <c>cbt-hd-*</c> netns.
/// </summary>
public sealed class LinkMoveMessagesTests
{
    [Test]
    public void MoveAndRenameMatchesIpLinkSetNetnsName()
    {
        byte[] golden =
        [
            0x34, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 52, RTM_NEWLINK, REQUEST | ACK
            0xeb, 0xd4, 0x0e, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1796134123, pid 0
            0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 7
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0, ifi_change 0
            0x08, 0x00, 0x1c, 0x00, 0x04, 0x00, 0x00, 0x00,                 // IFLA_NET_NS_FD len 8 = 4
            0x0c, 0x00, 0x03, 0x00, 0x63, 0x62, 0x74, 0x68,                 // IFLA_IFNAME len 12 = "cbthdp0"
            0x64, 0x70, 0x30, 0x00,
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetNamespaceFdAndName(ref w, 1796134123, 7, 4, "cbthdp0"));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AnInvalidNewNameIsRefusedBeforeSending() =>
        Assert.Throws<ArgumentException>(() => GoldenRequest.Of((ref w) => LinkMessages.SetNamespaceFdAndName(ref w, 1, 7, 4, "bad name")));
}
