using CniBox.Netlink.Constants;
using CniBox.Netlink.Socket;

namespace CniBox.Tests.Unit.Netlink.Socket;

[TestFixture]
public sealed class NetlinkErrorTests
{
    [Test]
    public void ReadsErrnoAndExtAckFromAKernelError()
    {
        // Reply to `ip link set v0 mtu 10` on a veth (min MTU 68); ip does not set NETLINK_CAP_ACK.
        byte[] reply =
        [
            0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x02, // len 96, NLMSG_ERROR, NLM_F_ACK_TLVS
            0xd9, 0x01, 0x04, 0x6b, 0x46, 0x28, 0x00, 0x00, // seq 1795424729, pid 10310
            0xea, 0xff, 0xff, 0xff,                         // error -22 (EINVAL)
            0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, // echoed request: len 40, RTM_NEWLINK, REQUEST|ACK
            0xd9, 0x01, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00, //   seq, pid 0
            0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, //   ifinfomsg, index 3
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x08, 0x00, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00, //   IFLA_MTU 10
            0x21, 0x00, 0x01, 0x00,                         // NLMSGERR_ATTR_MSG len 33
            .."mtu less than device minimum\0\0\0\0"u8,     //   text, NUL, 3 pad
        ];
        int errno = NetlinkError.Read(GoldenRequest.Single(reply), out string? extAck);
        Assert.That(errno, Is.EqualTo(Errno.EINVAL));
        Assert.That(extAck, Is.EqualTo("mtu less than device minimum"));
    }

    [Test]
    public void ReadsErrnoWithoutExtAck()
    {
        // Reply to `ip link show nope`: ENODEV with the 52-byte request echoed, no TLVs.
        byte[] reply =
        [
            0x48, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, // len 72, NLMSG_ERROR, flags 0
            0xd9, 0x01, 0x04, 0x6b, 0xc3, 0x8f, 0xac, 0xc7, // seq, pid
            0xed, 0xff, 0xff, 0xff,                         // error -19 (ENODEV)
            0x34, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x00, // echoed: len 52, RTM_GETLINK, REQUEST
            0xd9, 0x01, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x08, 0x00, 0x1d, 0x00, 0x09, 0x00, 0x00, 0x00, //   IFLA_EXT_MASK
            0x09, 0x00, 0x03, 0x00, 0x6e, 0x6f, 0x70, 0x65, //   IFLA_IFNAME "nope\0"
            0x00, 0x00, 0x00, 0x00,
        ];
        int errno = NetlinkError.Read(GoldenRequest.Single(reply), out string? extAck);
        Assert.That(errno, Is.EqualTo(Errno.ENODEV));
        Assert.That(extAck, Is.Null);
    }

    [Test]
    public void AnAckIsErrnoZero()
    {
        // Reply to `ip link set lo up` (NLM_F_CAPPED: only the request header is echoed).
        byte[] ack =
        [
            0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0xb3, 0x01, 0x04, 0x6b, 0x40, 0x26, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, // error 0
            0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, 0xb3, 0x01, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.That(NetlinkError.Read(GoldenRequest.Single(ack), out _), Is.EqualTo(0));
    }

    [Test]
    public void MessageNamesTheOperationErrnoAndKernelText()
    {
        var e = new NetlinkException(Errno.EPERM, "RTM_NEWLINK lo", "not allowed here");
        Assert.That(e.Message, Is.EqualTo("netlink: RTM_NEWLINK lo: operation not permitted (EPERM: not allowed here)"));
        Assert.That(new NetlinkException(Errno.ENODEV, "RTM_GETLINK x", null).Message,
            Is.EqualTo("netlink: RTM_GETLINK x: no such device (ENODEV)"));
        Assert.That(new NetlinkException(Errno.ESRCH, "op", null).IsNotFound, Is.True);
        Assert.That(new NetlinkException(Errno.EEXIST, "op", null).IsNotFound, Is.False);
    }

    [TestCase(Errno.EADDRNOTAVAIL, "cannot assign requested address")]
    [TestCase(Errno.ENOTSUP, "operation not supported")]
    [TestCase(12345, "errno 12345")]
    public void ErrnoTable(int errno, string text) => Assert.That(Errno.Text(errno), Is.EqualTo(text));
}
