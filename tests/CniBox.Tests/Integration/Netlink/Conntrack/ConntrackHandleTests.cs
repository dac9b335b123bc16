using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Conntrack;
using CniBox.Netlink.Namespaces;
using CniBox.Tests.Support;
using static CniBox.Netlink.Constants.Ctnl;
using static CniBox.Tests.Integration.Netlink.Conntrack.ConntrackPair;

namespace CniBox.Tests.Integration.Netlink.Conntrack;

/// <summary>
/// Real conntrack entries (UDP and TCP, both families, one zone) in a fresh <see cref="ConntrackPair"/>, listed and
/// deleted through <see cref="ConntrackHandle"/>, with <c>conntrack -L</c> as the oracle.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class ConntrackHandleTests
{
    private static readonly AddressFamily V4 = AddressFamily.InterNetwork, V6 = AddressFamily.InterNetworkV6;

    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    [Test]
    public void ListShowsWhatTheConntrackToolShows()
    {
        using var pair = new ConntrackPair();
        pair.SendUdp(PeerV4, 40000, 5101);
        pair.SendUdp(PeerV6, 40001, 5101);
        pair.SendTcpSyn(PeerV4, 40002, 5101);
        pair.SendUdp(PeerV6, 40003, ZonedPort);

        Assert.That(pair.Conntrack.List(AddressFamily.Unspecified), Is.EquivalentTo(pair.Oracle()));
        Assert.That(pair.Conntrack.List(V6), Is.EquivalentTo(new[]
        {
            new ConntrackEntry(V6, IPPROTO_UDP, NodeV6, PeerV6, 40001, 5101, 0),
            new ConntrackEntry(V6, IPPROTO_UDP, NodeV6, PeerV6, 40003, ZonedPort, Zone),
        }));
        Assert.That(pair.Conntrack.List(V4), Is.EquivalentTo(new[]
        {
            new ConntrackEntry(V4, IPPROTO_UDP, NodeV4, PeerV4, 40000, 5101, 0),
            new ConntrackEntry(V4, IPPROTO_TCP, NodeV4, PeerV4, 40002, 5101, 0),
        }));
    }

    [Test]
    public void DeletesExactlyTheUdpEntriesOfThePortInTheFamily()
    {
        using var pair = new ConntrackPair();
        foreach (IPAddress peer in new[] { PeerV4, PeerV6 })
        {
            pair.SendUdp(peer, 40010, 5101);
            pair.SendUdp(peer, 40011, 5101);
            pair.SendUdp(peer, 40012, 5102);
            pair.SendTcpSyn(peer, 40013, 5101);
        }
        List<ConntrackEntry> before = pair.Oracle();
        Assert.That(before, Has.Count.EqualTo(8), "the setup made every entry");

        Assert.That(pair.Conntrack.DeleteByOriginalDestinationPort(V4, IPPROTO_UDP, 5101), Is.EqualTo(2));
        Assert.That(pair.Oracle(), Is.EquivalentTo(before.Where(e => !(e.Family == V4 && e.Protocol == IPPROTO_UDP && e.DestinationPort == 5101))),
            "the v4 UDP entries of 5101 are gone; v6, port 5102 and TCP 5101 remain");

        Assert.That(pair.Conntrack.DeleteByOriginalDestinationPort(V6, IPPROTO_UDP, 5101), Is.EqualTo(2));
        Assert.That(pair.Oracle(), Is.EquivalentTo(before.Where(e => !(e.Protocol == IPPROTO_UDP && e.DestinationPort == 5101))));
        Assert.That(pair.Oracle().Where(e => e.Protocol == IPPROTO_TCP).Select(e => e.DestinationPort), Is.EqualTo(new[] { 5101, 5101 }));
    }

    [Test]
    public void UnspecifiedFamilyDeletesBothFamilies()
    {
        using var pair = new ConntrackPair();
        pair.SendUdp(PeerV4, 40020, 5103);
        pair.SendUdp(PeerV6, 40021, 5103);
        pair.SendUdp(PeerV6, 40022, 5104);

        Assert.That(pair.Conntrack.DeleteByOriginalDestinationPort(AddressFamily.Unspecified, IPPROTO_UDP, 5103), Is.EqualTo(2));
        Assert.That(pair.Oracle(), Is.EqualTo(new[] { new ConntrackEntry(V6, IPPROTO_UDP, NodeV6, PeerV6, 40022, 5104, 0) }));
    }

    [Test]
    public void DeletesEntriesOfANonDefaultZone()
    {
        using var pair = new ConntrackPair();
        pair.SendUdp(PeerV4, 40030, ZonedPort);
        pair.SendUdp(PeerV6, 40031, ZonedPort);
        Assert.That(pair.Oracle().Select(e => e.Zone), Is.EqualTo(new[] { Zone, Zone }), "the setup put both entries in the zone");

        Assert.That(pair.Conntrack.DeleteByOriginalDestinationPort(V4, IPPROTO_UDP, ZonedPort), Is.EqualTo(1));
        Assert.That(pair.Conntrack.DeleteByOriginalDestinationPort(V6, IPPROTO_UDP, ZonedPort), Is.EqualTo(1));
        Assert.That(pair.Oracle(), Is.Empty);
    }

    [Test]
    public void NoMatchDeletesNothing()
    {
        using var pair = new ConntrackPair();
        pair.SendUdp(PeerV4, 40040, 5105);
        pair.SendTcpSyn(PeerV6, 40041, 5106);
        List<ConntrackEntry> before = pair.Oracle();

        Assert.That(pair.Conntrack.DeleteByOriginalDestinationPort(V4, IPPROTO_UDP, 5106), Is.Zero, "5106 is TCP, and v6");
        Assert.That(pair.Conntrack.DeleteByOriginalDestinationPort(V6, IPPROTO_UDP, 5105), Is.Zero, "5105 is v4");
        Assert.That(pair.Conntrack.DeleteByOriginalDestinationPort(V4, IPPROTO_UDP, 40040), Is.Zero, "a source port is no destination port");
        Assert.That(pair.Oracle(), Is.EquivalentTo(before).And.Count.EqualTo(2));
    }

    [Test]
    public void AnEntryGoneBeforeItsDeleteIsNotCountedNorAnError()
    {
        using var pair = new ConntrackPair();
        pair.SendUdp(PeerV4, 40050, 5107);
        pair.SendUdp(PeerV4, 40051, 5107);

        // The match runs after the dump, right before the entry's delete: conntrack -D removes it first (ENOENT for us).
        int deleted = pair.Conntrack.DeleteWhere(V4, e =>
        {
            if (e.SourcePort == 40050)
                pair.OracleDelete(e);
            return e.DestinationPort == 5107;
        });

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That(pair.Oracle(), Is.Empty);
    }

    [Test]
    public void ANamespaceThatNeverUsedConntrackHasNothingToDelete()
    {
        using var netns = new TestNetns("ct");
        using NetNsHandle ns = NetNsHandle.Open(netns.Path);
        using ConntrackHandle conntrack = ConntrackHandle.Open(ns);

        Assert.That(conntrack.List(AddressFamily.Unspecified), Is.Empty);
        Assert.That(conntrack.DeleteByOriginalDestinationPort(V4, IPPROTO_UDP, 5101), Is.Zero);
        Assert.That(conntrack.DeleteByOriginalDestinationPort(V6, IPPROTO_UDP, 5101), Is.Zero);
    }
}
