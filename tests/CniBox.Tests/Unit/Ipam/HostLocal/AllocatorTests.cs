using System.Text;
using CniBox.Ipam.HostLocal;
using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Ipam.HostLocal;

public class AllocatorTests
{
    private static RangeSet Set(params string[] ranges) => new(ranges.Select(r =>
    {
        var p = r.Split(' ');
        return IpRange.Create(IpNet.Parse(p[0]), p.Length > 1 && p[1] != "-" ? IpAddr.Parse(p[1]) : null,
            p.Length > 2 && p[2] != "-" ? IpAddr.Parse(p[2]) : null, p.Length > 3 ? IpAddr.Parse(p[3]) : null);
    }));

    private static List<string> Walk(RangeSet set, string? last, int max = 100)
    {
        var it = new RangeIterator(set, last is null ? null : IpAddr.Parse(last));
        var seen = new List<string>();
        while (seen.Count < max && it.TryNext(out var ip, out _)) seen.Add(ip.ToString());
        return seen;
    }

    [Test]
    public void IteratesFromStartSkippingGateway() =>
        Assert.That(Walk(Set("10.0.0.0/29"), null), Is.EqualTo(new[] { "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6" }));

    [Test]
    public void StartsAfterLastReservedAndOffersItLast() =>
        Assert.That(Walk(Set("10.0.0.0/29"), "10.0.0.4"), Is.EqualTo(new[] { "10.0.0.5", "10.0.0.6", "10.0.0.2", "10.0.0.3", "10.0.0.4" }));

    [Test]
    public void LastReservedOutsideTheSetStartsAtTheFirstRange() =>
        Assert.That(Walk(Set("10.0.0.0/29"), "10.9.0.4"), Is.EqualTo(new[] { "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6" }));

    [Test]
    public void WrapsAcrossRanges() =>
        Assert.That(Walk(Set("10.0.0.0/29 10.0.0.5", "10.0.1.0/30", "10.0.2.0/24 10.0.2.20 10.0.2.21"), "10.0.1.2"),
            Is.EqualTo(new[] { "10.0.2.20", "10.0.2.21", "10.0.0.5", "10.0.0.6", "10.0.1.2" }));

    [Test]
    public void SkipsGatewayInsideTheRangeNetworkAndBroadcast() =>
        Assert.That(Walk(Set("10.0.0.0/29 10.0.0.0 10.0.0.7 10.0.0.3"), null),
            Is.EqualTo(new[] { "10.0.0.1", "10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.6" }));

    [Test]
    public void V6KeepsTheLastAddressButSkipsTheNetwork() =>
        Assert.That(Walk(Set("2001:db8::/126 2001:db8:: - 2001:db8::2"), "2001:db8::1"),
            Is.EqualTo(new[] { "2001:db8::3", "2001:db8::1" }));

    [Test]
    public void SingleAddressRangeThatIsTheGatewayYieldsNothing() =>
        Assert.That(Walk(Set("10.0.0.0/29 10.0.0.1 10.0.0.1"), null), Is.Empty);

    [Test]
    public void RoundRobinAcrossCallsAndReuseAfterWrap()
    {
        var store = new FakeStore();
        var set = Set("10.0.0.0/29");
        var got = new List<string>();
        for (var i = 0; i < 5; i++) got.Add(Get(store, set, $"c{i}").Address.ToString());
        Assert.That(got, Is.EqualTo(new[] { "10.0.0.2/29", "10.0.0.3/29", "10.0.0.4/29", "10.0.0.5/29", "10.0.0.6/29" }));
        Assert.That(store.LastReserved[0], Is.EqualTo("10.0.0.6"));
        store.Release("c1", "eth0");
        store.Release("c3", "eth0");
        Assert.That(Get(store, set, "d").Address.ToString(), Is.EqualTo("10.0.0.3/29"));
        Assert.That(Get(store, set, "e").Address.ToString(), Is.EqualTo("10.0.0.5/29"));
    }

    [Test]
    public void FreedAddressIsNotReusedBeforeTheRangeIsRunThrough()
    {
        var store = new FakeStore();
        var set = Set("10.0.0.0/24");
        Get(store, set, "a");
        Get(store, set, "b");
        store.Release("a", "eth0");
        Assert.That(Get(store, set, "c").Address.ToString(), Is.EqualTo("10.0.0.4/24"));
    }

    [Test]
    public void ResultCarriesPrefixAndGateway()
    {
        var a = Get(new FakeStore(), Set("10.0.0.0/16 10.0.5.0 - 10.0.0.254"), "a");
        Assert.That((a.Address.ToString(), a.Gateway.ToString()), Is.EqualTo(("10.0.5.0/16", "10.0.0.254")));
    }

    [Test]
    public void ExhaustionUsesGosMessage()
    {
        var store = new FakeStore();
        var set = Set("10.0.0.0/30", "10.0.1.0/30 10.0.1.2");
        Get(store, set, "a");
        Get(store, set, "b");
        var e = Assert.Throws<CniException>(() => Get(store, set, "c"))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.Internal, "no IP addresses available in range set: 10.0.0.1-10.0.0.2,10.0.1.2-10.0.1.2")));
    }

    [Test]
    public void DuplicateAllocationIsRefused()
    {
        var store = new FakeStore();
        var set = Set("10.0.0.0/24");
        Get(store, set, "a");
        var e = Assert.Throws<CniException>(() => Get(store, set, "a"))!;
        Assert.That(e.Msg, Is.EqualTo("10.0.0.2 has been allocated to a, duplicate allocation is not allowed"));
        Assert.That(Get(store, set, "a", "eth1").Address.ToString(), Is.EqualTo("10.0.0.3/24"));
    }

    [Test]
    public void LegacyIdOnlyFileCountsAsDuplicate()
    {
        var store = new FakeStore();
        store.Owners["10.0.0.9"] = "a";
        var e = Assert.Throws<CniException>(() => Get(store, Set("10.0.0.0/24"), "a"))!;
        Assert.That(e.Msg, Does.EndWith("duplicate allocation is not allowed"));
    }

    [TestCase("10.0.0.9", null)]
    [TestCase("10.0.0.1", "requested ip 10.0.0.1 is subnet's gateway")]
    [TestCase("10.0.0.7", "requested IP address 10.0.0.7 is not available in range set 10.0.0.1-10.0.0.254")]
    [TestCase("10.0.1.7", "10.0.1.7 not in range set 10.0.0.1-10.0.0.254")]
    public void RequestedIp(string ip, string? error)
    {
        var store = new FakeStore();
        store.Owners["10.0.0.7"] = "other\r\neth0";
        var set = Set("10.0.0.0/24");
        using var _ = store.Lock();
        var get = () => new Allocator(set, 0, store).Get("a", "eth0", IpAddr.Parse(ip), store.GetByOwner("a", "eth0"));
        if (error is null)
        {
            Assert.That(get().Address.ToString(), Is.EqualTo("10.0.0.9/24"));
            Assert.That(store.LastReserved[0], Is.EqualTo("10.0.0.9"));
        }
        else
        {
            Assert.That(Assert.Throws<CniException>(() => get())!.Msg, Is.EqualTo(error));
        }
    }

    [Test]
    public void HasFreeCountsWithoutWalking()
    {
        Assert.That(new Allocator(Set("2001:db8::/64"), 0, new FakeStore()).HasFree([]), Is.True);
        var small = Set("10.0.0.0/30");
        var alloc = new Allocator(small, 0, new FakeStore());
        Assert.That(alloc.HasFree([IpAddr.Parse("10.0.0.9")]), Is.True);
        Assert.That(alloc.HasFree([IpAddr.Parse("10.0.0.2")]), Is.False);
        var withNet = new Allocator(Set("10.0.0.0/29 10.0.0.0 10.0.0.7 10.0.0.3"), 0, new FakeStore());
        Assert.That(withNet.HasFree(new[] { "10.0.0.1", "10.0.0.2", "10.0.0.4", "10.0.0.5" }.Select(IpAddr.Parse).ToList()), Is.True);
        Assert.That(withNet.HasFree(new[] { "10.0.0.1", "10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.6" }.Select(IpAddr.Parse).ToList()), Is.False);
    }

    private static Allocation Get(FakeStore store, RangeSet set, string id, string ifName = "eth0")
    {
        using var _ = store.Lock();
        return new Allocator(set, 0, store).Get(id, ifName, null, store.GetByOwner(id, ifName));
    }
}
