using System.Net;
using CniBox.Ipam.Dhcp;
using CniBox.Ipam.Dhcp.Protocol;

namespace CniBox.Tests.Unit.Ipam.Dhcp.Protocol;

/// <summary>Golden bytes: an ACK captured from dnsmasq 2.90 on the wire, and a DISCOVER laid out by hand from RFC 2131's table.</summary>
public sealed class DhcpCodecTests
{
    /// <summary>
    /// dnsmasq's ACK for 10.199.231.50, lease 2m, with dns-server (6) x2, domain-name (15), domain-search (119, compressed),
    /// classless-static-route (121: 10.199.252.0/24 via .254, 10.199.253.0/25 on-link) and static-route (33).
    /// </summary>
    private const string DnsmasqAck = "020106004e6e004c00000000000000000ac7e7320ac7e701000000009a16b5ddc986000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006382536335010536040ac7e7013304000000783a040000003c3b04000000690104ffffff001c040ac7e7ff03040ac7e70121080ac7fd070ac7e7fd7911180ac7fc0ac7e7fe190ac7fd0000000000770f01610264680474657374000162c0020f0764682e7465737406080ac7fb350ac7fb36ff";

    [Test]
    public void DecodesDnsmasqsAck()
    {
        var ack = DhcpMessage.TryDecode(Convert.FromHexString(DnsmasqAck))!;
        Assert.That(ack.Op, Is.EqualTo(2));
        Assert.That(ack.Type, Is.EqualTo(DhcpMessageType.Ack));
        Assert.That(ack.Xid, Is.EqualTo(0x4e6e004cu));
        Assert.That(ack.YourAddress, Is.EqualTo(IPAddress.Parse("10.199.231.50")));
        Assert.That(ack.ClientHardwareAddress, Is.EqualTo(Convert.FromHexString("9a16b5ddc986")));
        Assert.That(ack.Options.Address(DhcpOptionCode.ServerIdentifier), Is.EqualTo(IPAddress.Parse("10.199.231.1")));
        Assert.That(ack.Options.Seconds(DhcpOptionCode.LeaseTime), Is.EqualTo(120));
        Assert.That(ack.Options.Seconds(DhcpOptionCode.RenewalTime), Is.EqualTo(60));
        Assert.That(ack.Options.Seconds(DhcpOptionCode.RebindingTime), Is.EqualTo(105));
        Assert.That(ack.Options.Addresses(DhcpOptionCode.Router), Is.EqualTo(new[] { IPAddress.Parse("10.199.231.1") }));
        Assert.That(ack.Options.Addresses(DhcpOptionCode.StaticRoutes),
            Is.EqualTo(new[] { IPAddress.Parse("10.199.253.7"), IPAddress.Parse("10.199.231.253") }));
    }

    [Test]
    public void TheAcksResultHasOption121RoutesAloneAndTheDns()
    {
        var ack = DhcpMessage.TryDecode(Convert.FromHexString(DnsmasqAck))!;
        var lease = DhcpLease.FromAck(ack, [2, 0, 0, 0, 0, 1], DateTimeOffset.UnixEpoch)!;
        var result = LeaseResult.Of(lease, priority: 0);
        Assert.That(result.Ips.Single().Address, Is.EqualTo("10.199.231.50/24"));
        Assert.That(result.Ips.Single().Gateway, Is.EqualTo("10.199.231.1"));
        Assert.That(result.Routes.Select(r => (r.Dst, r.Gw, r.Scope)), Is.EqualTo(new (string, string?, int?)[]
        {
            ("10.199.252.0/24", "10.199.231.254", null),
            ("10.199.253.0/25", null, 253),
        }), "RFC 3442: with option 121, options 3 and 33 give no routes");
        Assert.That(result.Dns.Nameservers, Is.EqualTo(new[] { "10.199.251.53", "10.199.251.54" }));
        Assert.That(result.Dns.Domain, Is.EqualTo("dh.test"));
        Assert.That(result.Dns.Search, Is.EqualTo(new[] { "a.dh.test", "b.dh.test" }));
    }

    [Test]
    public void WithoutOption121TheRoutesAreOption33ClassfulThenTheDefaultViaTheRouter()
    {
        var options = new DhcpOptions();
        options.Set(DhcpOptionCode.StaticRoutes, Convert.FromHexString("0ac7fd070ac7e7fd"));
        options.Set(DhcpOptionCode.Router, IPAddress.Parse("10.199.231.1"));
        Assert.That(LeaseRoutes.Of(options), Is.EqualTo(new[]
        {
            new LeaseRoute(IPAddress.Parse("10.199.253.7"), 8, IPAddress.Parse("10.199.231.253")),
            new LeaseRoute(IPAddress.Any, 0, IPAddress.Parse("10.199.231.1")),
        }));
    }

    [Test]
    public void PriorityBecomesEveryRoutesMetric()
    {
        var ack = DhcpMessage.TryDecode(Convert.FromHexString(DnsmasqAck))!;
        var lease = DhcpLease.FromAck(ack, [2, 0, 0, 0, 0, 1], DateTimeOffset.UnixEpoch)!;
        Assert.That(LeaseResult.Of(lease, priority: 300).Routes.Select(r => r.Priority), Has.All.EqualTo(300));
    }

    [Test]
    public void MalformedOption121GivesNoRoutes() =>
        Assert.That(LeaseRoutes.Classless([33, 10, 0, 0, 0, 0, 0, 0, 0]), Is.Empty);

    [Test]
    public void DomainSearchFollowsCompressionPointers() =>
        Assert.That(LeaseRoutes.DomainSearch(Convert.FromHexString("01610264680474657374000162c002")),
            Is.EqualTo(new[] { "a.dh.test", "b.dh.test" }));

    [Test]
    public void DomainSearchWithAPointerLoopEnds() =>
        Assert.That(LeaseRoutes.DomainSearch(Convert.FromHexString("c000")), Is.Empty);

    [Test]
    public void EncodesADiscoverByteForByte()
    {
        var discover = new DhcpMessage { Xid = 0x12345678, Flags = DhcpMessage.BroadcastFlag, ClientHardwareAddress = [2, 0, 0, 0, 0, 1] };
        discover.Options.Set(DhcpOptionCode.MessageType, [1]);
        discover.Options.Set(DhcpOptionCode.ClientIdentifier, "a/b"u8.ToArray());
        discover.Options.Set(DhcpOptionCode.ParameterRequestList, [1, 3]);
        var expected = new byte[300];
        Convert.FromHexString("010106001234567800008000").CopyTo(expected, 0);   // op htype hlen hops xid secs flags
        Convert.FromHexString("020000000001").CopyTo(expected, 28);              // chaddr
        Convert.FromHexString("63825363" + "350101" + "3d03612f62" + "37020103" + "ff").CopyTo(expected, 236);
        Assert.That(Convert.ToHexString(discover.Encode()), Is.EqualTo(Convert.ToHexString(expected)));
    }

    [Test]
    public void AnOptionLongerThan255BytesIsSplitAndJoinedAgain()
    {
        var message = new DhcpMessage();
        var big = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        message.Options.Set(DhcpOptionCode.DomainSearch, big);
        var bytes = message.Encode();
        Assert.That(bytes[240], Is.EqualTo(119));
        Assert.That(bytes[241], Is.EqualTo(255));
        Assert.That(bytes[240 + 2 + 255], Is.EqualTo(119), "RFC 3396: a second instance carries the rest");
        Assert.That(DhcpMessage.TryDecode(bytes)!.Options.Get(DhcpOptionCode.DomainSearch), Is.EqualTo(big));
    }

    [Test]
    public void TruncatedOptionsAreRejected()
    {
        var bytes = new DhcpMessage().Encode();
        bytes[240] = 12;
        bytes[241] = 200;
        Assert.That(DhcpMessage.TryDecode(bytes.AsSpan(0, 260)), Is.Null);
    }

    [Test]
    public void UdpFrameHasValidIpAndUdpChecksums()
    {
        var frame = new UdpFrame(UdpFrame.BroadcastMac, [2, 0, 0, 0, 0, 1], IPAddress.Any, IPAddress.Broadcast, 68, 67, [1, 2, 3]).Encode();
        Assert.That(Convert.ToHexString(frame.AsSpan(0, 14)), Is.EqualTo("FFFFFFFFFFFF0200000000010800"));
        // IPv4 header: version/IHL 45, TOS 10, length 31, TTL 64, UDP; checksum 0x7abf by RFC 1071, worked out apart from the encoder.
        Assert.That(Convert.ToHexString(frame.AsSpan(14, 20)), Is.EqualTo("4510001F000000004011" + "7ABF" + "00000000FFFFFFFF"));
        var decoded = UdpFrame.TryDecode(frame)!;
        Assert.That((decoded.SourcePort, decoded.DestinationPort, decoded.Payload), Is.EqualTo((68, 67, new byte[] { 1, 2, 3 })));
        frame[24] ^= 1;
        Assert.That(UdpFrame.TryDecode(frame), Is.Null, "a bad IP header checksum is dropped");
    }
}
