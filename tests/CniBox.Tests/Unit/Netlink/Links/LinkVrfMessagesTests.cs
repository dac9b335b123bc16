using CniBox.Netlink.Links;

namespace CniBox.Tests.Unit.Netlink.Links;

/// <summary>
/// The VRF creation request, against <c>strace -f -xx -e trace=sendmsg -e write=3 ip link add cbthdvrf type vrf table 150</c>
/// (iproute2 6.1) in a throwaway <c>cbt-hd-*</c> netns: the request is sent whole before this kernel, which has no
/// vrf driver, answers EOPNOTSUPP ("Unknown device type").
/// </summary>
public sealed class LinkVrfMessagesTests
{
    [Test]
    public void AddVrfMatchesIpLinkAddTypeVrfTable()
    {
        byte[] golden =
        [
            0x48, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06,                 // len 72, RTM_NEWLINK, REQUEST | ACK | EXCL | CREATE
            0xad, 0xd0, 0x0e, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1796133037, pid 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0, ifi_change 0
            0x0d, 0x00, 0x03, 0x00, 0x63, 0x62, 0x74, 0x68,                 // IFLA_IFNAME len 13 = "cbthdvrf" + 3 pad
            0x64, 0x76, 0x72, 0x66, 0x00, 0x00, 0x00, 0x00,
            0x18, 0x00, 0x12, 0x00,                                         // IFLA_LINKINFO len 24
                0x07, 0x00, 0x01, 0x00, 0x76, 0x72, 0x66, 0x00,             // IFLA_INFO_KIND len 7 = "vrf" + 1 pad
                0x0c, 0x00, 0x02, 0x00,                                     // IFLA_INFO_DATA len 12
                    0x08, 0x00, 0x01, 0x00, 0x96, 0x00, 0x00, 0x00,         // IFLA_VRF_TABLE len 8 = 150
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.AddVrf(ref w, 1796133037, "cbthdvrf", 150));
        Assert.That(built, Is.EqualTo(golden));
    }
}
