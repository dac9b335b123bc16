using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Rules;

namespace CniBox.Tests.Unit.Netlink.Rules;

/// <summary>
/// RTM_*RULE requests of <c>ip rule add|del|show</c>. Captured once with <c>strace -f -s 65535 -e trace=sendmsg,sendto ip|bridge ...</c> (iproute2 6.1,
/// kernel 6.18) in a throwaway <c>cbt-nl-*</c> netns; our builders must produce the same bytes for the same
/// seq. Little-endian host.
/// </summary>
[TestFixture]
public sealed class RuleMessagesTests
{
    [Test]
    public void AddMatchesIpRuleAddFromTablePrio()
    {
        // ip rule add from 10.199.0.2/32 table 100 prio 1000
        byte[] golden =
        [
            0x2c, 0x00, 0x00, 0x00, 0x20, 0x00, 0x05, 0x06,                 // len 44, RTM_NEWRULE, REQUEST | ACK | EXCL | CREATE
            0x20, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426080, pid 0
            0x02, 0x00, 0x20, 0x00, 0x64, 0x00, 0x00, 0x01,                 // fib_rule_hdr: family 2, dst /0, src /32, tos 0, table 100, res, res, action 1
            0x00, 0x00, 0x00, 0x00,                                         // flags 0x0
            0x08, 0x00, 0x02, 0x00, 0x0a, 0xc7, 0x00, 0x02,                 // FRA_SRC len 8 = 10.199.0.2
            0x08, 0x00, 0x06, 0x00, 0xe8, 0x03, 0x00, 0x00,                 // FRA_PRIORITY len 8 = 1000
        ];
        byte[] built = GoldenRequest.Of((ref w) => RuleMessages.Add(ref w, 1795426080, new RuleSpec { Family = AddressFamily.InterNetwork, Source = IPNetwork.Parse("10.199.0.2/32"), Table = 100, Priority = 1000 }));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddWithEverySelectorMatchesIproute()
    {
        // ip rule add from 10.199.0.0/24 to 10.199.9.0/24 iif v0 oif v1 fwmark 0x10/0xff table 300 prio 1001
        byte[] golden =
        [
            0x5c, 0x00, 0x00, 0x00, 0x20, 0x00, 0x05, 0x06,                 // len 92, RTM_NEWRULE, REQUEST | ACK | EXCL | CREATE
            0x20, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426080, pid 0
            0x02, 0x18, 0x18, 0x00, 0x00, 0x00, 0x00, 0x01,                 // fib_rule_hdr: family 2, dst /24, src /24, tos 0, table 0, res, res, action 1
            0x00, 0x00, 0x00, 0x00,                                         // flags 0x0
            0x08, 0x00, 0x02, 0x00, 0x0a, 0xc7, 0x00, 0x00,                 // FRA_SRC len 8 = 10.199.0.0
            0x08, 0x00, 0x01, 0x00, 0x0a, 0xc7, 0x09, 0x00,                 // FRA_DST len 8 = 10.199.9.0
            0x07, 0x00, 0x03, 0x00, 0x76, 0x30, 0x00, 0x00,                 // FRA_IIFNAME len 7 = "v0" + 1 pad
            0x07, 0x00, 0x11, 0x00, 0x76, 0x31, 0x00, 0x00,                 // FRA_OIFNAME len 7 = "v1" + 1 pad
            0x08, 0x00, 0x0a, 0x00, 0x10, 0x00, 0x00, 0x00,                 // FRA_FWMARK len 8 = 16
            0x08, 0x00, 0x10, 0x00, 0xff, 0x00, 0x00, 0x00,                 // FRA_FWMASK len 8 = 255
            0x08, 0x00, 0x0f, 0x00, 0x2c, 0x01, 0x00, 0x00,                 // FRA_TABLE len 8 = 300
            0x08, 0x00, 0x06, 0x00, 0xe9, 0x03, 0x00, 0x00,                 // FRA_PRIORITY len 8 = 1001
        ];
        byte[] built = GoldenRequest.Of((ref w) => RuleMessages.Add(ref w, 1795426080, new RuleSpec { Family = AddressFamily.InterNetwork, Source = IPNetwork.Parse("10.199.0.0/24"), Destination = IPNetwork.Parse("10.199.9.0/24"), IifName = "v0", OifName = "v1", Fwmark = 0x10, FwMask = 0xff, Table = 300, Priority = 1001 }));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void AddV6MatchesIp6RuleAdd()
    {
        // ip -6 rule add from fd99::2/128 table 100 prio 1000
        byte[] golden =
        [
            0x38, 0x00, 0x00, 0x00, 0x20, 0x00, 0x05, 0x06,                 // len 56, RTM_NEWRULE, REQUEST | ACK | EXCL | CREATE
            0x20, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426080, pid 0
            0x0a, 0x00, 0x80, 0x00, 0x64, 0x00, 0x00, 0x01,                 // fib_rule_hdr: family 10, dst /0, src /128, tos 0, table 100, res, res, action 1
            0x00, 0x00, 0x00, 0x00,                                         // flags 0x0
            0x14, 0x00, 0x02, 0x00, 0xfd, 0x99, 0x00, 0x00,                 // FRA_SRC len 20 = fd99::2
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x02,
            0x08, 0x00, 0x06, 0x00, 0xe8, 0x03, 0x00, 0x00,                 // FRA_PRIORITY len 8 = 1000
        ];
        byte[] built = GoldenRequest.Of((ref w) => RuleMessages.Add(ref w, 1795426080, new RuleSpec { Family = AddressFamily.InterNetworkV6, Source = IPNetwork.Parse("fd99::2/128"), Table = 100, Priority = 1000 }));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DeleteMatchesIpRuleDel()
    {
        // ip rule del from 10.199.0.2/32 table 100 prio 1000
        byte[] golden =
        [
            0x2c, 0x00, 0x00, 0x00, 0x21, 0x00, 0x05, 0x00,                 // len 44, RTM_DELRULE, REQUEST | ACK
            0x20, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426080, pid 0
            0x02, 0x00, 0x20, 0x00, 0x64, 0x00, 0x00, 0x00,                 // fib_rule_hdr: family 2, dst /0, src /32, tos 0, table 100, res, res, action 0
            0x00, 0x00, 0x00, 0x00,                                         // flags 0x0
            0x08, 0x00, 0x02, 0x00, 0x0a, 0xc7, 0x00, 0x02,                 // FRA_SRC len 8 = 10.199.0.2
            0x08, 0x00, 0x06, 0x00, 0xe8, 0x03, 0x00, 0x00,                 // FRA_PRIORITY len 8 = 1000
        ];
        byte[] built = GoldenRequest.Of((ref w) => RuleMessages.Delete(ref w, 1795426080, new RuleSpec { Family = AddressFamily.InterNetwork, Source = IPNetwork.Parse("10.199.0.2/32"), Table = 100, Priority = 1000 }));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DumpMatchesIpRuleShow()
    {
        // ip rule show
        byte[] golden =
        [
            0x1c, 0x00, 0x00, 0x00, 0x22, 0x00, 0x01, 0x03,                 // len 28, RTM_GETRULE, REQUEST | DUMP
            0x20, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426080, pid 0
            0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // fib_rule_hdr: family 2, dst /0, src /0, tos 0, table 0, res, res, action 0
            0x00, 0x00, 0x00, 0x00,                                         // flags 0x0
        ];
        byte[] built = GoldenRequest.Of((ref w) => RuleMessages.Dump(ref w, 1795426080, AddressFamily.InterNetwork));
        Assert.That(built, Is.EqualTo(golden));
    }

    [Test]
    public void DumpV6MatchesIp6RuleShow()
    {
        // ip -6 rule show
        byte[] golden =
        [
            0x1c, 0x00, 0x00, 0x00, 0x22, 0x00, 0x01, 0x03,                 // len 28, RTM_GETRULE, REQUEST | DUMP
            0x20, 0x07, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1795426080, pid 0
            0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // fib_rule_hdr: family 10, dst /0, src /0, tos 0, table 0, res, res, action 0
            0x00, 0x00, 0x00, 0x00,                                         // flags 0x0
        ];
        byte[] built = GoldenRequest.Of((ref w) => RuleMessages.Dump(ref w, 1795426080, AddressFamily.InterNetworkV6));
        Assert.That(built, Is.EqualTo(golden));
    }
}
