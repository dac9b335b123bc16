using System.Net;
using CniBox.Netlink.Addresses;

namespace CniBox.Tests.Unit.Netlink.Addresses;

/// <summary>
/// RTM_NEWADDR / RTM_DELADDR requests of <c>ip addr add|replace|del</c>. Captured once with <c>strace -f -s 65535 -e trace=sendmsg,sendto ip|bridge ...</c> (iproute2 6.1,
/// kernel 6.18) in a throwaway <c>cbt-nl-*</c> netns; our builders must produce the same bytes for the same
/// seq. Little-endian host.
/// </summary>
[TestFixture]
public sealed class AddrChangeMessagesTests
{
    [Test]
    public void AddMatchesIpAddrAddV4()
    {
        // ip addr add 10.199.0.2/24 dev v0
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x06,                 // len 40, RTM_NEWADDR, REQUEST | ACK | EXCL | CREATE
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x02, 0x18, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifaddrmsg: family 2, /24, flags 0x0, scope 0, index 3
            0x08, 0x00, 0x02, 0x00, 0x0a, 0xc7, 0x00, 0x02,                 // IFA_LOCAL len 8 = 10.199.0.2
            0x08, 0x00, 0x01, 0x00, 0x0a, 0xc7, 0x00, 0x02,                 // IFA_ADDRESS len 8 = 10.199.0.2
        ];
        byte[] built = GoldenRequest.Of((ref w) => AddrMessages.Add(ref w, 1795426077, new AddrSpec(3, IPAddress.Parse("10.199.0.2"), 24)));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddWithBroadcastMatchesIpAddrAddBroadcast()
    {
        // ip addr add 10.199.5.2/24 broadcast 10.199.5.255 dev v0
        byte[] golden =
        [
            0x30, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x06,                 // len 48, RTM_NEWADDR, REQUEST | ACK | EXCL | CREATE
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x02, 0x18, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifaddrmsg: family 2, /24, flags 0x0, scope 0, index 3
            0x08, 0x00, 0x02, 0x00, 0x0a, 0xc7, 0x05, 0x02,                 // IFA_LOCAL len 8 = 10.199.5.2
            0x08, 0x00, 0x04, 0x00, 0x0a, 0xc7, 0x05, 0xff,                 // IFA_BROADCAST len 8 = 10.199.5.255
            0x08, 0x00, 0x01, 0x00, 0x0a, 0xc7, 0x05, 0x02,                 // IFA_ADDRESS len 8 = 10.199.5.2
        ];
        byte[] built = GoldenRequest.Of((ref w) => AddrMessages.Add(ref w, 1795426077, new AddrSpec(3, IPAddress.Parse("10.199.5.2"), 24) { Broadcast = IPAddress.Parse("10.199.5.255") }));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddV6NodadMatchesIp6AddrAddNodad()
    {
        // ip -6 addr add fd99::2/64 dev v0 nodad
        // flags <= 0xff travel in ifa_flags, no IFA_FLAGS (iproute's choice)
        byte[] golden =
        [
            0x40, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x06,                 // len 64, RTM_NEWADDR, REQUEST | ACK | EXCL | CREATE
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x0a, 0x40, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifaddrmsg: family 10, /64, flags 0x2, scope 0, index 3
            0x14, 0x00, 0x02, 0x00, 0xfd, 0x99, 0x00, 0x00,                 // IFA_LOCAL len 20 = fd99::2
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x02,
            0x14, 0x00, 0x01, 0x00, 0xfd, 0x99, 0x00, 0x00,                 // IFA_ADDRESS len 20 = fd99::2
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x02,
        ];
        byte[] built = GoldenRequest.Of((ref w) => AddrMessages.Add(ref w, 1795426077, new AddrSpec(3, IPAddress.Parse("fd99::2"), 64) { Flags = 0x02 }));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DeleteMatchesIpAddrDel()
    {
        // ip addr del 10.199.5.2/24 dev v0
        byte[] golden =
        [
            0x28, 0x00, 0x00, 0x00, 0x15, 0x00, 0x05, 0x00,                 // len 40, RTM_DELADDR, REQUEST | ACK
            0x1d, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426077, pid 0
            0x02, 0x18, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifaddrmsg: family 2, /24, flags 0x0, scope 0, index 3
            0x08, 0x00, 0x02, 0x00, 0x0a, 0xc7, 0x05, 0x02,                 // IFA_LOCAL len 8 = 10.199.5.2
            0x08, 0x00, 0x01, 0x00, 0x0a, 0xc7, 0x05, 0x02,                 // IFA_ADDRESS len 8 = 10.199.5.2
        ];
        byte[] built = GoldenRequest.Of((ref w) => AddrMessages.Delete(ref w, 1795426077, 3, IPAddress.Parse("10.199.5.2"), 24));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DeleteV6MatchesIp6AddrDel()
    {
        // ip -6 addr del fd99::2/64 dev v0
        byte[] golden =
        [
            0x40, 0x00, 0x00, 0x00, 0x15, 0x00, 0x05, 0x00,                 // len 64, RTM_DELADDR, REQUEST | ACK
            0x1e, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426078, pid 0
            0x0a, 0x40, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,                 // ifaddrmsg: family 10, /64, flags 0x0, scope 0, index 3
            0x14, 0x00, 0x02, 0x00, 0xfd, 0x99, 0x00, 0x00,                 // IFA_LOCAL len 20 = fd99::2
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x02,
            0x14, 0x00, 0x01, 0x00, 0xfd, 0x99, 0x00, 0x00,                 // IFA_ADDRESS len 20 = fd99::2
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x02,
        ];
        byte[] built = GoldenRequest.Of((ref w) => AddrMessages.Delete(ref w, 1795426078, 3, IPAddress.Parse("fd99::2"), 64));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void FlagsAbove0xffGoIntoIFAFLAGS()
    {
        // Hand-built from iproute's rule (ipaddr_modify): ifa_flags keeps only flags <= 0xff; larger ones
        // (IFA_F_NOPREFIXROUTE 0x200 here, as in `ip addr add ... noprefixroute`) travel in IFA_FLAGS after IFA_ADDRESS.
        byte[] golden =
        [
            0x30, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x06, // len 48, RTM_NEWADDR, REQUEST | ACK | EXCL | CREATE
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // seq 1, pid 0
            0x02, 0x18, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, // ifaddrmsg: family 2, /24, flags 0, scope 0, index 3
            0x08, 0x00, 0x02, 0x00, 0x0a, 0xc7, 0x00, 0x02, // IFA_LOCAL 10.199.0.2
            0x08, 0x00, 0x01, 0x00, 0x0a, 0xc7, 0x00, 0x02, // IFA_ADDRESS 10.199.0.2
            0x08, 0x00, 0x08, 0x00, 0x00, 0x02, 0x00, 0x00, // IFA_FLAGS 0x200
        ];
        byte[] built = GoldenRequest.Of((ref w) => AddrMessages.Add(ref w, 1, new AddrSpec(3, IPAddress.Parse("10.199.0.2"), 24) { Flags = 0x200 }));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void PrefixLongerThanTheFamilyAllowsIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GoldenRequest.Of((ref w) => AddrMessages.Add(ref w, 1, new AddrSpec(3, IPAddress.Parse("10.199.0.2"), 33))));
}
