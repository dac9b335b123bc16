using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Links;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Rules;
using CniBox.Tests.Unit.Netlink.Captures;

namespace CniBox.Tests.Unit.Netlink;

/// <summary>Kernel dump replies parsed back into RouteSpec, RuleSpec and LinkInfo (see Captures/).</summary>
[TestFixture]
public sealed class DumpParseTests
{
    [Test]
    public void ParsesAnEcmpRouteWithItsWeights()
    {
        RouteSpec? route = RouteMessages.Parse(GoldenRequest.Single(RouteRuleReplies.Ecmp));
        Assert.That(route, Is.EqualTo(new RouteSpec
        {
            Family = AddressFamily.InterNetwork,
            Destination = IPNetwork.Parse("10.199.3.0/24"),
            Scope = 0, Table = 254, Type = RouteType.Unicast, Protocol = 3,
            Multipath = [new NextHop(IPAddress.Parse("10.199.0.1"), 3, 1), new NextHop(IPAddress.Parse("10.199.0.3"), 3, 2)],
        }));
    }

    [Test]
    public void TakesTheTableIdFromRTATABLEOverRTTABLECOMPAT()
    {
        RouteSpec? route = RouteMessages.Parse(GoldenRequest.Single(RouteRuleReplies.Table300));
        Assert.That(route!.Table, Is.EqualTo(300));
        Assert.That((route.Gateway, route.OutIndex), Is.EqualTo((IPAddress.Parse("10.199.0.1"), 3)));
    }

    [Test]
    public void ParsesAV6DefaultRouteWithMetricMtuAndAdvmss()
    {
        RouteSpec? route = RouteMessages.Parse(GoldenRequest.Single(RouteRuleReplies.V6Default));
        Assert.That(route, Is.EqualTo(new RouteSpec
        {
            Family = AddressFamily.InterNetworkV6,
            Destination = null, Gateway = IPAddress.Parse("fd99::1"), OutIndex = 3,
            Scope = 0, Table = 254, Metric = 100, Mtu = 1400, AdvMss = 1360, Type = RouteType.Unicast, Protocol = 3,
        }));
    }

    [Test]
    public void AParsedRouteCanBeSentBackAsADelete()
    {
        RouteSpec route = RouteMessages.Parse(GoldenRequest.Single(RouteRuleReplies.Table300))!;
        byte[] built = GoldenRequest.Of((ref w) => RouteMessages.Delete(ref w, 1, route));
        RouteSpec? again = RouteMessages.Parse(GoldenRequest.Single(WithType(built, 24)));
        Assert.That(again, Is.EqualTo(route));
    }

    [Test]
    public void ParsesARuleWithEverySelector()
    {
        RuleSpec? rule = RuleMessages.Parse(GoldenRequest.Single(RouteRuleReplies.RuleFull));
        Assert.That(rule, Is.EqualTo(new RuleSpec
        {
            Family = AddressFamily.InterNetwork,
            Source = IPNetwork.Parse("10.199.0.0/24"), Destination = IPNetwork.Parse("10.199.9.0/24"),
            IifName = "v0", OifName = "v1", Fwmark = 0x10, FwMask = 0xff, Table = 300, Priority = 1001,
        }));
    }

    [Test]
    public void ParsesBridgePortFlagsFromTheSlaveData()
    {
        LinkInfo? link = LinkMessages.Parse(GoldenRequest.Single(BridgePortLinkReply.Bytes));
        Assert.That(link!.SlaveKind, Is.EqualTo("bridge"));
        Assert.That(link.BridgePort, Is.EqualTo(new BridgePortInfo(Hairpin: true, Isolated: true, State: 0)));
        Assert.That((link.Kind, link.MasterIndex, link.LinkIndex, link.TxQueueLength), Is.EqualTo(("veth", 7, 2, 500)));
    }

    /// <summary>Our request reuses the rtmsg layout of a reply; retyping it to RTM_NEWROUTE lets the parser read it.</summary>
    private static byte[] WithType(byte[] message, ushort type)
    {
        byte[] copy = (byte[])message.Clone();
        BitConverter.TryWriteBytes(copy.AsSpan(4), type);
        return copy;
    }
}
