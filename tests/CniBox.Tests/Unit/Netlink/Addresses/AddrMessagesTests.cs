using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Addresses;

namespace CniBox.Tests.Unit.Netlink.Addresses;

/// <summary>RTM_GETADDR requests and RTM_NEWADDR replies captured from iproute2 6.1 (strace) in a fresh netns with lo up.</summary>
[TestFixture]
public sealed class AddrMessagesTests
{
    [TestCase(AddressFamily.Unspecified, 0, (byte)0x00, 0x00, TestName = "ip addr show")]
    [TestCase(AddressFamily.InterNetwork, 0, (byte)0x02, 0x00, TestName = "ip -4 addr show")]
    [TestCase(AddressFamily.Unspecified, 1, (byte)0x00, 0x01, TestName = "ip addr show dev lo")]
    public void DumpMatchesIpAddrShow(AddressFamily family, int index, byte kernelFamily, byte indexByte)
    {
        byte[] golden =
        [
            0x18, 0x00, 0x00, 0x00, // nlmsg_len 24
            0x16, 0x00, 0x01, 0x03, // RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP
            0xd1, 0x01, 0x04, 0x6b, // seq 1795424721
            0x00, 0x00, 0x00, 0x00, // pid 0
            kernelFamily,           // ifa_family: AF_UNSPEC 0 / AF_INET 2
            0x00, 0x00, 0x00,       // prefixlen, flags, scope
            indexByte, 0x00, 0x00, 0x00, // ifa_index
        ];
        byte[] built = GoldenRequest.Of((ref w) => AddrMessages.Dump(ref w, 1795424721, family, index));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void Parses127001Slash8()
    {
        byte[] reply =
        [
            0x4c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, // len 76, RTM_NEWADDR, NLM_F_MULTI
            0xd1, 0x01, 0x04, 0x6b, 0xb7, 0x27, 0x00, 0x00, // seq 1795424721, pid 10167
            0x02, 0x08, 0x80, 0xfe,                         // AF_INET, /8, IFA_F_PERMANENT, RT_SCOPE_HOST
            0x01, 0x00, 0x00, 0x00,                         // ifa_index 1
            0x08, 0x00, 0x01, 0x00, 0x7f, 0x00, 0x00, 0x01, // IFA_ADDRESS 127.0.0.1
            0x08, 0x00, 0x02, 0x00, 0x7f, 0x00, 0x00, 0x01, // IFA_LOCAL 127.0.0.1
            0x07, 0x00, 0x03, 0x00, 0x6c, 0x6f, 0x00, 0x00, // IFA_LABEL "lo"
            0x08, 0x00, 0x08, 0x00, 0x80, 0x00, 0x00, 0x00, // IFA_FLAGS IFA_F_PERMANENT
            0x14, 0x00, 0x06, 0x00,                         // IFA_CACHEINFO len 20
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, //   prefered, valid: forever
            0x44, 0xf4, 0x05, 0x00, 0x44, 0xf4, 0x05, 0x00, //   cstamp, tstamp
        ];
        AddrInfo? addr = AddrMessages.Parse(GoldenRequest.Single(reply));
        Assert.That(addr, Is.EqualTo(new AddrInfo(1, AddressFamily.InterNetwork, 8, IPAddress.Loopback, 254, 0x80, "lo")));
    }

    [Test]
    public void ParsesColonColon1Slash128()
    {
        byte[] reply =
        [
            0x50, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, // len 80, RTM_NEWADDR, NLM_F_MULTI
            0xd1, 0x01, 0x04, 0x6b, 0xb7, 0x27, 0x00, 0x00, // seq 1795424721, pid 10167
            0x0a, 0x80, 0x80, 0xfe,                         // AF_INET6, /128, IFA_F_PERMANENT, RT_SCOPE_HOST
            0x01, 0x00, 0x00, 0x00,                         // ifa_index 1
            0x14, 0x00, 0x01, 0x00,                         // IFA_ADDRESS ::1
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
            0x14, 0x00, 0x06, 0x00,                         // IFA_CACHEINFO len 20
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0x44, 0xf4, 0x05, 0x00, 0x44, 0xf4, 0x05, 0x00,
            0x08, 0x00, 0x08, 0x00, 0x80, 0x00, 0x00, 0x00, // IFA_FLAGS IFA_F_PERMANENT
            0x05, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00, // IFA_PROTO (11) = IFAPROT_KERNEL_LO, 3 pad
        ];
        AddrInfo? addr = AddrMessages.Parse(GoldenRequest.Single(reply));
        Assert.That(addr, Is.EqualTo(new AddrInfo(1, AddressFamily.InterNetworkV6, 128, IPAddress.IPv6Loopback, 254, 0x80, null)));
    }

    [Test]
    public void KernelFamilyNumbersAreNotDotnetOnes()
    {
        Assert.That(AddrMessages.ToKernel(AddressFamily.InterNetworkV6), Is.EqualTo(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => AddrMessages.ToKernel(AddressFamily.AppleTalk));
    }
}
