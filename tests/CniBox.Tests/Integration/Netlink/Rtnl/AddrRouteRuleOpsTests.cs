using System.Net;
using System.Net.Sockets;
using CniBox.Netlink;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Rules;
using CniBox.Netlink.Socket;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Netlink.Rtnl;

/// <summary>Addresses, routes, rules and sysctls, only ever inside a fresh cbt-nl-* namespace.</summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class AddrRouteRuleOpsTests
{
    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    /// <summary>A namespace with veth v0/v1, both up.</summary>
    private static (TestNetns Test, RtnlHandle Rtnl, int V0, int V1) Setup()
    {
        var test = new TestNetns("nl");
        test.IpIn("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        test.IpIn("link", "set", "v0", "up");
        test.IpIn("link", "set", "v1", "up");
        using NetNsHandle ns = NetNsHandle.Open(test.Path);
        var rtnl = RtnlHandle.Open(ns);
        return (test, rtnl, rtnl.GetLink("v0")!.Index, rtnl.GetLink("v1")!.Index);
    }

    [Test]
    public void AddressesV4AndV6AreAddedListedAndDeleted()
    {
        var (test, rtnl, v0, _) = Setup();
        using var _t = test;
        using var _r = rtnl;
        rtnl.AddAddress(new AddrSpec(v0, IPAddress.Parse("10.199.0.2"), 24) { Broadcast = IPAddress.Parse("10.199.0.255") });
        rtnl.AddAddress(new AddrSpec(v0, IPAddress.Parse("fd99::2"), 64) { Flags = Ifa.IFA_F_NODAD });

        var v4 = rtnl.DumpAddresses(AddressFamily.InterNetwork, v0).Single();
        Assert.That((v4.Address, v4.PrefixLength), Is.EqualTo((IPAddress.Parse("10.199.0.2"), 24)));
        Assert.That(test.IpIn("-4", "addr", "show", "v0"), Does.Contain("inet 10.199.0.2/24 brd 10.199.0.255"));
        var v6 = rtnl.DumpAddresses(AddressFamily.InterNetworkV6, v0).Single(a => a.Address.Equals(IPAddress.Parse("fd99::2")));
        Assert.That(v6.Flags & (Ifa.IFA_F_NODAD | Ifa.IFA_F_TENTATIVE), Is.EqualTo(Ifa.IFA_F_NODAD), "nodad: never tentative");

        Assert.That(Assert.Throws<NetlinkException>(() => rtnl.AddAddress(new AddrSpec(v0, IPAddress.Parse("10.199.0.2"), 24)))!.Errno, Is.EqualTo(Errno.EEXIST));

        rtnl.DeleteAddress(v0, IPAddress.Parse("10.199.0.2"), 24);
        rtnl.DeleteAddress(v0, IPAddress.Parse("fd99::2"), 64);
        Assert.That(rtnl.DumpAddresses(AddressFamily.InterNetwork, v0), Is.Empty);
        Assert.That(rtnl.DumpAddresses(AddressFamily.InterNetworkV6, v0).Select(a => a.Address.ToString()), Has.None.EqualTo("fd99::2"));
        Assert.That(Assert.Throws<NetlinkException>(() => rtnl.DeleteAddress(v0, IPAddress.Parse("10.199.0.2"), 24))!.Errno,
            Is.EqualTo(Errno.EADDRNOTAVAIL));
    }

    [Test]
    public void WaitForDadReturnsOnceTheV6AddressIsNoLongerTentative()
    {
        var (test, rtnl, v0, _) = Setup();
        using var _t = test;
        using var _r = rtnl;
        rtnl.AddAddress(new AddrSpec(v0, IPAddress.Parse("fd99::2"), 64));
        rtnl.WaitForDad(v0, TimeSpan.FromSeconds(10));
        Assert.That(rtnl.DumpAddresses(AddressFamily.InterNetworkV6, v0).Select(a => a.Flags & Ifa.IFA_F_TENTATIVE), Is.All.Zero);
    }

    [Test]
    public void WaitForDadReportsADuplicateAddress()
    {
        var (test, rtnl, v0, v1) = Setup();
        using var _t = test;
        using var _r = rtnl;
        rtnl.AddAddress(new AddrSpec(v1, IPAddress.Parse("fd99::5"), 64) { Flags = Ifa.IFA_F_NODAD });
        rtnl.AddAddress(new AddrSpec(v0, IPAddress.Parse("fd99::5"), 64));
        var e = Assert.Throws<DadFailedException>(() => rtnl.WaitForDad(v0, TimeSpan.FromSeconds(10)));
        Assert.That(e!.Address, Is.EqualTo(IPAddress.Parse("fd99::5")));
        Assert.That(e.Message, Is.EqualTo($"link #{v0} has address fd99::5 in DADFAILED state"));
    }

    [Test]
    public void RoutesAreAddedReplacedListedAndDeleted()
    {
        var (test, rtnl, v0, _) = Setup();
        using var _t = test;
        using var _r = rtnl;
        rtnl.AddAddress(new AddrSpec(v0, IPAddress.Parse("10.199.0.2"), 24));
        rtnl.AddAddress(new AddrSpec(v0, IPAddress.Parse("fd99::2"), 64) { Flags = Ifa.IFA_F_NODAD });
        var gw = IPAddress.Parse("10.199.0.1");
        var scopeLink = new RouteSpec { Destination = IPNetwork.Parse("10.199.0.1/32"), OutIndex = v0, Scope = Rtm.RT_SCOPE_LINK, Source = IPAddress.Parse("10.199.0.2") };
        var viaGw = new RouteSpec { Destination = IPNetwork.Parse("10.199.1.0/24"), Gateway = gw, OutIndex = v0 };
        var table100 = new RouteSpec { Destination = IPNetwork.Parse("10.199.2.0/24"), Gateway = gw, OutIndex = v0, Table = 100 };
        var table300 = table100 with { Table = 300 };
        var ecmp = new RouteSpec
        {
            Destination = IPNetwork.Parse("10.199.3.0/24"),
            Multipath = [new NextHop(gw, v0, 1), new NextHop(IPAddress.Parse("10.199.0.3"), v0, 2)],
        };
        var defaultV4 = new RouteSpec { Gateway = gw, OutIndex = v0 };
        var defaultV6 = new RouteSpec { Gateway = IPAddress.Parse("fd99::1"), OutIndex = v0, Metric = 100, Mtu = 1400, AdvMss = 1360 };
        foreach (RouteSpec r in new[] { scopeLink, viaGw, table100, table300, ecmp, defaultV4, defaultV6 })
            rtnl.AddRoute(r);

        string shown = test.IpIn("route", "show");
        Assert.That(shown, Does.Contain("10.199.0.1 dev v0 scope link src 10.199.0.2").And.Contain("10.199.1.0/24 via 10.199.0.1 dev v0")
            .And.Contain("default via 10.199.0.1 dev v0"));
        Assert.That(test.IpIn("route", "show", "table", "300"), Does.Contain("10.199.2.0/24 via 10.199.0.1 dev v0"));
        Assert.That(test.IpIn("-6", "route", "show"), Does.Contain("default via fd99::1 dev v0 metric 100 mtu 1400 advmss 1360"));

        IReadOnlyList<RouteSpec> main = rtnl.ListRoutes(AddressFamily.InterNetwork, Rta.RT_TABLE_MAIN);
        RouteSpec listedEcmp = main.Single(r => r.Destination == IPNetwork.Parse("10.199.3.0/24"));
        Assert.That(listedEcmp.Multipath, Is.EqualTo(ecmp.Multipath));
        RouteSpec listedLink = main.Single(r => r.Destination == IPNetwork.Parse("10.199.0.1/32"));
        Assert.That((listedLink.Scope, listedLink.Source, listedLink.OutIndex, listedLink.Protocol), Is.EqualTo(((byte?)253, IPAddress.Parse("10.199.0.2"), v0, (byte?)Rta.RTPROT_BOOT)));
        Assert.That(main.Single(r => r.Destination is null).Gateway, Is.EqualTo(gw));
        Assert.That(rtnl.ListRoutes(AddressFamily.InterNetwork, 300).Single().Table, Is.EqualTo(300));
        Assert.That(rtnl.ListRoutes(AddressFamily.InterNetwork, 100).Single().Destination, Is.EqualTo(IPNetwork.Parse("10.199.2.0/24")));
        RouteSpec v6Default = rtnl.ListRoutes(AddressFamily.InterNetworkV6, Rta.RT_TABLE_MAIN).Single(r => r.Destination is null);
        Assert.That((v6Default.Metric, v6Default.Mtu, v6Default.AdvMss), Is.EqualTo(((uint?)100, 1400u, 1360u)));

        rtnl.ReplaceRoute(viaGw with { Gateway = IPAddress.Parse("10.199.0.3") });
        Assert.That(test.IpIn("route", "show", "10.199.1.0/24"), Does.Contain("via 10.199.0.3"));
        Assert.That(Assert.Throws<NetlinkException>(() => rtnl.AddRoute(viaGw))!.Errno, Is.EqualTo(Errno.EEXIST));

        foreach (RouteSpec listed in rtnl.ListRoutes(AddressFamily.InterNetwork, Rta.RT_TABLE_MAIN).Where(r => r.Protocol == Rta.RTPROT_BOOT))
            rtnl.DeleteRoute(listed);
        rtnl.DeleteRoute(table300);
        rtnl.DeleteRoute(new RouteSpec { Destination = IPNetwork.Parse("10.199.2.0/24"), Table = 100 });
        Assert.That(test.IpIn("route", "show").Trim(), Is.EqualTo("10.199.0.0/24 dev v0 proto kernel scope link src 10.199.0.2"));
        Assert.That(test.IpIn("route", "show", "table", "100").Trim(), Is.Empty);
        Assert.That(Assert.Throws<NetlinkException>(() => rtnl.DeleteRoute(viaGw))!.IsNotFound, Is.True);
    }

    [Test]
    public void RulesAreAddedListedAndDeleted()
    {
        var (test, rtnl, _, _) = Setup();
        using var _t = test;
        using var _r = rtnl;
        var rule = new RuleSpec { Family = AddressFamily.InterNetwork, Source = IPNetwork.Parse("10.199.0.2/32"), Table = 100, Priority = 1000 };
        var full = new RuleSpec
        {
            Family = AddressFamily.InterNetwork, Source = IPNetwork.Parse("10.199.0.0/24"), Destination = IPNetwork.Parse("10.199.9.0/24"),
            IifName = "v0", OifName = "v1", Fwmark = 0x10, FwMask = 0xff, Table = 300, Priority = 1001,
        };
        var v6 = new RuleSpec { Family = AddressFamily.InterNetworkV6, Source = IPNetwork.Parse("fd99::2/128"), Table = 100, Priority = 1000 };
        rtnl.AddRule(rule);
        rtnl.AddRule(full);
        rtnl.AddRule(v6);

        Assert.That(test.IpIn("rule", "show"), Does.Contain("1000:\tfrom 10.199.0.2 lookup 100"));
        IReadOnlyList<RuleSpec> rules = rtnl.ListRules(AddressFamily.InterNetwork);
        Assert.That(rules, Does.Contain(rule).And.Contain(full));
        Assert.That(rules.Select(r => r.Priority), Is.SupersetOf(new uint?[] { 0, 32766, 32767 }), "the kernel's default rules");
        Assert.That(rtnl.ListRules(AddressFamily.InterNetworkV6), Does.Contain(v6));
        Assert.That(Assert.Throws<NetlinkException>(() => rtnl.AddRule(rule))!.Errno, Is.EqualTo(Errno.EEXIST));

        rtnl.DeleteRule(rule);
        rtnl.DeleteRule(full);
        rtnl.DeleteRule(v6);
        Assert.That(rtnl.ListRules(AddressFamily.InterNetwork).Select(r => r.Priority), Is.EquivalentTo(new uint?[] { 0, 32766, 32767 }));
        Assert.That(Assert.Throws<NetlinkException>(() => rtnl.DeleteRule(rule))!.IsNotFound, Is.True);
    }

    [Test]
    public void SysctlsWrittenInsideANamespaceLeaveTheHostAlone()
    {
        using var test = new TestNetns("nl");
        using NetNsHandle ns = NetNsHandle.Open(test.Path);
        const string key = "net.ipv4.conf.all.arp_notify";
        string hostBefore = Sysctl.Read(key);
        string inside = Sysctl.ReadIn(ns, key);
        string flipped = inside == "1" ? "0" : "1";

        Sysctl.WriteIn(ns, key, flipped);

        Assert.That(Sysctl.ReadIn(ns, key), Is.EqualTo(flipped));
        Assert.That(Sysctl.Read(key), Is.EqualTo(hostBefore));
        Assert.That(TestNetns.Ip("netns", "exec", test.Name, "cat", Sysctl.PathOf(key)).Trim(), Is.EqualTo(flipped));
    }

    [Test]
    public void SysctlKeysWithDottedInterfaceNamesUseTheSlashForm()
    {
        using var test = new TestNetns("nl");
        test.IpIn("link", "add", "v0.5", "type", "veth", "peer", "name", "v1");
        using NetNsHandle ns = NetNsHandle.Open(test.Path);
        string key = Sysctl.InterfaceKey("ipv6", "v0.5", "accept_ra");
        Assert.That(Sysctl.PathOf(key), Is.EqualTo("/proc/sys/net/ipv6/conf/v0.5/accept_ra"));
        Sysctl.WriteIn(ns, key, "0");
        Assert.That(Sysctl.ReadIn(ns, key), Is.EqualTo("0"));
        Assert.That(Sysctl.PathOf("net.ipv4.ip_forward"), Is.EqualTo("/proc/sys/net/ipv4/ip_forward"));
        Assert.Throws<ArgumentException>(() => Sysctl.PathOf("net/../../etc/passwd"));
    }
}
