
using CniBox.Netlink.Links;

namespace CniBox.Tests.Unit.Netlink.Links;

/// <summary>
/// RTM_NEWLINK changes of an existing link (<c>ip link set dev X ...</c>). Captured once with <c>strace -f -s 65535 -e trace=sendmsg,sendto ip|bridge ...</c> (iproute2 6.1,
/// kernel 6.18) in a throwaway <c>cbt-nl-*</c> netns; our builders must produce the same bytes for the same
/// seq. Little-endian host.
/// </summary>
[TestFixture]
public sealed class LinkSetMessagesTests
{
    [Test]
    public void SetMacMatchesIpLinkSetAddress()
    {
        // ip link set dev v0 address 02:00:00:00:00:03
        byte[] golden =
        [
            0x2c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 44, RTM_NEWLINK, REQUEST | ACK
            0x1b, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426075, pid 0
            0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x0a, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,                 // IFLA_ADDRESS len 10 = 02:00:00:00:00:03 + 2 pad
            0x00, 0x03, 0x00, 0x00,
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetMac(ref w, 1795426075, 3, "02:00:00:00:00:03"));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetNameMatchesIpLinkSetName()
    {
        // ip link set dev cv2 name cv4
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 40, RTM_NEWLINK, REQUEST | ACK
            0x1a, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426074, pid 0
            0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 6
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x03, 0x00, 0x63, 0x76, 0x34, 0x00,                 // IFLA_IFNAME len 8 = "cv4"
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetName(ref w, 1795426074, 6, "cv4"));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetMasterMatchesIpLinkSetMaster()
    {
        // ip link set dev v0 master cbtbr0 (ifindex 7)
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 40, RTM_NEWLINK, REQUEST | ACK
            0x1a, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426074, pid 0
            0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x0a, 0x00, 0x07, 0x00, 0x00, 0x00,                 // IFLA_MASTER len 8 = 7
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetMaster(ref w, 1795426074, 3, 7));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetMaster0MatchesIpLinkSetNomaster()
    {
        // ip link set dev v0 nomaster
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 40, RTM_NEWLINK, REQUEST | ACK
            0x1b, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426075, pid 0
            0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00,                 // IFLA_MASTER len 8 = 0
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetMaster(ref w, 1795426075, 3, 0));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetNamespaceFdMatchesIpLinkSetNetns()
    {
        // ip link set dev cv4 netns NS (fd 4)
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 40, RTM_NEWLINK, REQUEST | ACK
            0x1b, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426075, pid 0
            0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 6
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x1c, 0x00, 0x04, 0x00, 0x00, 0x00,                 // IFLA_NET_NS_FD len 8 = 4
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetNamespaceFd(ref w, 1795426075, 6, 4));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetFlagsPromiscOnMatchesIpLinkSetPromiscOn()
    {
        // ip link set dev v0 promisc on
        byte[] golden =
        [
            0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 32, RTM_NEWLINK, REQUEST | ACK
            0x1b, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426075, pid 0
            0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 3
            0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,                 // ifi_flags 0x100, ifi_change 0x100
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetFlags(ref w, 1795426075, 3, InterfaceFlags.Promisc, InterfaceFlags.Promisc));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetFlagsPromiscOffMatchesIpLinkSetPromiscOff()
    {
        // ip link set dev v0 promisc off
        byte[] golden =
        [
            0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 32, RTM_NEWLINK, REQUEST | ACK
            0x1b, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426075, pid 0
            0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x100
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetFlags(ref w, 1795426075, 3, InterfaceFlags.None, InterfaceFlags.Promisc));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetFlagsAllmultiOnMatchesIpLinkSetAllmulticastOn()
    {
        // ip link set dev v0 allmulticast on
        byte[] golden =
        [
            0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 32, RTM_NEWLINK, REQUEST | ACK
            0x07, 0x99, 0x0e, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1796118791, pid 0
            0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 3
            0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,                 // ifi_flags 0x200 (ALLMULTI), ifi_change 0x200
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetFlags(ref w, 1796118791, 3, InterfaceFlags.AllMulti, InterfaceFlags.AllMulti));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void SetAddressSendsTheRawBytesAsSetMacDoes()
    {
        byte[] fromText = GoldenRequest.Of((ref w) => LinkMessages.SetMac(ref w, 7, 3, "02:00:00:00:00:03"));
        byte[] fromBytes = GoldenRequest.Of((ref w) => LinkMessages.SetAddress(ref w, 7, 3, [2, 0, 0, 0, 0, 3]));
        Assert.That(fromBytes, Is.EqualTo(fromText));
    }

    [Test]
    public void SetTxQueueLenMatchesIpLinkSetTxqueuelen()
    {
        // ip link set dev v0 txqueuelen 500
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,                 // len 40, RTM_NEWLINK, REQUEST | ACK
            0x1b, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426075, pid 0
            0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifinfomsg: family 0, type 0, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // ifi_flags 0x0, ifi_change 0x0
            0x08, 0x00, 0x0d, 0x00, 0xf4, 0x01, 0x00, 0x00,                 // IFLA_TXQLEN len 8 = 500
        ];
        byte[] built = GoldenRequest.Of((ref w) => LinkMessages.SetTxQueueLen(ref w, 1795426075, 3, 500));
        Assert.That(built, Is.EqualTo(golden));
    }

    [TestCase("02:00:00:00:00:03", new byte[] { 2, 0, 0, 0, 0, 3 })]
    [TestCase("AA-bb-CC-dd-EE-ff", new byte[] { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff })]
    [TestCase("0200.0000.0003", new byte[] { 2, 0, 0, 0, 0, 3 })]
    public void ParseMacReadsGosForms(string text, byte[] expected) =>
        Assert.That(LinkMessages.ParseMac(text), Is.EqualTo(expected));

    [TestCase("02:00:00:00:00", "invalid MAC address \"02:00:00:00:00\"")]
    [TestCase("02:00:00:00:00:0g", "invalid MAC address \"02:00:00:00:00:0g\"")]
    [TestCase("2:0:0:0:0:3", "invalid MAC address \"2:0:0:0:0:3\"")]
    [TestCase("02:00:5e:10:00:00:00:01", "invalid MAC address \"02:00:5e:10:00:00:00:01\": expected 6 bytes")]
    public void ParseMacRefusesWhatIsNotAnEthernetAddress(string text, string message) =>
        Assert.That(Assert.Throws<ArgumentException>(() => LinkMessages.ParseMac(text))!.Message, Does.StartWith(message));

    [TestCase("../../x", "interface name \"../../x\" must be 1 to 15 bytes without '/', ':', NUL or whitespace")]
    [TestCase("cbt\0x", "interface name \"cbt\\x00x\" must be 1 to 15 bytes without '/', ':', NUL or whitespace")]
    [TestCase("cbt-sixteen-byte", "interface name \"cbt-sixteen-byte\" must be 1 to 15 bytes without '/', ':', NUL or whitespace")]
    public void BadNamesAreRefusedWithTheirTextAlone(string name, string message) =>
        Assert.That(Assert.Throws<ArgumentException>(() => LinkMessages.CheckName(name))!.Message, Is.EqualTo(message));
}
