using System.Text.Json;
using System.Text.RegularExpressions;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Netfilter;

/// <summary>
/// ipMasq and macspoofchk judged by the packets, with the applets run as a runtime runs them (process, env, stdin)
/// inside the harness's host netns, which is the router: container --(applet)-- router (bridge or ptp veths,
/// forwarding on; 10.199.121.1, fd99:0:120:21::1) --veth-- remote (10.199.121.2, fd99:0:120:21::2), reachable only
/// through the router. The remote counts the echo requests per source address with nft counters in its own
/// namespace, which shows whether the router masqueraded. Packets only flow between namespaces created here.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class FirewallTrafficTests
{
    private const string RemoteV4 = "10.199.121.2", RouterV4 = "10.199.121.1";
    private const string RemoteV6 = "fd99:0:120:21::2", RouterV6 = "fd99:0:120:21::1";

    /// <summary>One address family of the layout: the container subnet (host-local), the router and remote ends.</summary>
    private sealed record Family(string ContainerSubnet, string Router, string Remote, string RouterRemoteLen);

    private static readonly Family V4 = new("10.199.120.0/24", RouterV4, RemoteV4, "/24");
    private static readonly Family V6 = new("fd99:0:120::/64", RouterV6, RemoteV6, "/64");

    private NetHarness _h = null!;
    private TestNetns _remote = null!;

    [SetUp]
    public void Create()
    {
        TestNetns.RequireRoot();
        _h = new NetHarness("fw");
        try
        {
            _remote = _h.Container("fwx");
        }
        catch
        {
            _h.Dispose();
            throw;
        }
    }

    [TearDown]
    public void Destroy() => _h.Dispose();

    private static string Bridge => Binaries.Applet("bridge");

    private static string Ptp => Binaries.Applet("ptp");

    private string BridgeConf(string bridge, string subnets, string extra) =>
        NetHarness.Conf("bridge", "1.0.0", _h.HostLocal(subnets), $",\"bridge\":\"{bridge}\",\"isGateway\":true{extra}");

    /// <summary>The router--remote link; the remote has no route back to the containers.</summary>
    private void WireRemote(params Family[] families) =>
        NsTraffic.Veth(_h.Host, "cbtr1", [.. families.Select(f => f.Router + f.RouterRemoteLen)],
            _remote, "x0", [.. families.Select(f => f.Remote + f.RouterRemoteLen)]);

    /// <summary>The comments of the rules in the host netns's <c>inet cni_plugins_masquerade masq_checks</c> (none when the table is absent).</summary>
    private List<string> MasqRules()
    {
        string json = NftTestNetns.Run("ip", ["netns", "exec", _h.Host.Name, "nft", "-j", "list", "chain", "inet",
            "cni_plugins_masquerade", "masq_checks"], allowFailure: true);
        if (json.Trim().Length == 0) return [];
        return [.. JsonDocument.Parse(json).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out _))
            .Select(e => e.GetProperty("rule").TryGetProperty("comment", out var c) ? c.GetString() ?? "" : "")];
    }

    /// <summary>
    /// ADD with ipMasq: each family's ping reaches the remote from the router's address, never the container's;
    /// DEL leaves no masquerade rule. Then ADD without ipMasq and a route back on the remote: the container's own
    /// address arrives and the router's count stays.
    /// </summary>
    private void BridgeMasqueradeThenPlain(string bridge, params Family[] families)
    {
        var c = _h.Container("fwc");
        WireRemote(families);
        var seen = new EchoCounter(_remote, [.. families.SelectMany(f => new[] { f.Router, f.ContainerSubnet })]);
        string subnets = string.Join(' ', families.Select(f => f.ContainerSubnet));

        var masq = BridgeConf(bridge, subnets, ",\"isDefaultGateway\":true,\"ipMasq\":true");
        CniAssert.Success(_h.Run(Bridge, "ADD", masq, c.Path, "cbt-fwmasq"));
        Assert.That(MasqRules(), Has.Count.EqualTo(families.Length).And.All.Contain("id: cbt-fwmasq"),
            "one masquerade rule per container address");
        foreach (var f in families)
        {
            NsTraffic.Ping(c, f.Remote, expectSuccess: true, "(masqueraded)");
            Assert.That(seen.Count(f.Router), Is.GreaterThan(0), $"masqueraded: the remote saw the router's {f.Router}");
            Assert.That(seen.Count(f.ContainerSubnet), Is.Zero, "masqueraded: no container address reached the remote");
        }
        CniAssert.SilentSuccess(_h.Run(Bridge, "DEL", masq, c.Path, "cbt-fwmasq"));
        Assert.That(MasqRules(), Is.Empty, "DEL removed the masquerade rules");

        var plain = BridgeConf(bridge, subnets, ",\"isDefaultGateway\":true,\"ipMasq\":false");
        CniAssert.Success(_h.Run(Bridge, "ADD", plain, c.Path, "cbt-fwplain"));
        Assert.That(MasqRules(), Is.Empty, "no masquerade rule without ipMasq");
        foreach (var f in families)
            _remote.IpIn("route", "add", f.ContainerSubnet, "via", f.Router);
        NsTraffic.FlushConntrack(_h.Host);
        foreach (var f in families)
        {
            int routerBefore = seen.Count(f.Router);
            NsTraffic.Ping(c, f.Remote, expectSuccess: true, "(not masqueraded)");
            Assert.That(seen.Count(f.ContainerSubnet), Is.GreaterThan(0), $"without ipMasq the remote saw the container's address ({f.ContainerSubnet})");
            Assert.That(seen.Count(f.Router), Is.EqualTo(routerBefore), "without ipMasq nothing came from the router's address");
        }
        CniAssert.SilentSuccess(_h.Run(Bridge, "DEL", plain, c.Path, "cbt-fwplain"));
    }

    [Test]
    public void BridgeIpMasqShowsTheRouterAddressToTheRemoteAndWithoutItTheContainerAddress() =>
        BridgeMasqueradeThenPlain("cbtfw120", V4);

    [Test]
    public void BridgeIpMasqDualStackMasqueradesIPv6BehindTheRouterV6Address() =>
        BridgeMasqueradeThenPlain("cbtfw120d", V4, V6);

    [Test]
    public void PtpIpMasqShowsTheRouterAddressesToTheRemoteAndDELRemovesTheRules()
    {
        var c = _h.Container("fwc");
        Family[] families = [V4 with { ContainerSubnet = "10.199.123.0/24" }, V6 with { ContainerSubnet = "fd99:0:120:23::/64" }];
        WireRemote(families);
        var seen = new EchoCounter(_remote, [.. families.SelectMany(f => new[] { f.Router, f.ContainerSubnet })]);
        var ipam = _h.HostLocal(string.Join(' ', families.Select(f => f.ContainerSubnet)), "[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]");
        var conf = NetHarness.Conf("ptp", "1.0.0", ipam, ",\"ipMasq\":true");

        CniAssert.Success(_h.Run(Ptp, "ADD", conf, c.Path, "cbt-fwptp"));
        Assert.That(MasqRules(), Has.Count.EqualTo(2).And.All.Contain("id: cbt-fwptp"), "one rule per container address");
        foreach (var f in families)
        {
            NsTraffic.Ping(c, f.Remote, expectSuccess: true, "(masqueraded)");
            Assert.That(seen.Count(f.Router), Is.GreaterThan(0), $"masqueraded: the remote saw the router's {f.Router}");
            Assert.That(seen.Count(f.ContainerSubnet), Is.Zero, "masqueraded: the container's address never arrived");
        }

        CniAssert.SilentSuccess(_h.Run(Ptp, "DEL", conf, c.Path, "cbt-fwptp"));
        Assert.That(MasqRules(), Is.Empty, "DEL removed the masquerade rules");
    }

    [Test]
    public void BridgeIptablesBackendMasqueradesBothFamiliesAndDELRemovesItsChains()
    {
        Assume.That(File.Exists("/usr/sbin/iptables") || File.Exists("/sbin/iptables"), "iptables is not installed (tests/deps.sh)");
        var c = _h.Container("fwc");
        Family[] families = [V4, V6];
        WireRemote(families);
        var seen = new EchoCounter(_remote, [.. families.SelectMany(f => new[] { f.Router, f.ContainerSubnet })]);
        var conf = BridgeConf("cbtfw121", string.Join(' ', families.Select(f => f.ContainerSubnet)),
            ",\"isDefaultGateway\":true,\"ipMasq\":true,\"ipMasqBackend\":\"iptables\"");
        string NatTable(string save) => NsTraffic.Exec(_h.Host, save, "-t", "nat");

        var result = CniAssert.Success(_h.Run(Bridge, "ADD", conf, c.Path, "cbt-fwipt"));
        var addresses = result.GetProperty("ips").EnumerateArray().Select(ip => ip.GetProperty("address").GetString()!).ToList();
        foreach (var (save, address) in new[]
                 { ("iptables-save", addresses.Single(a => !a.Contains(':'))), ("ip6tables-save", addresses.Single(a => a.Contains(':'))) })
        {
            string nat = NatTable(save);
            string host = address.Split('/')[0] + (address.Contains(':') ? "/128" : "/32");
            Assert.That(nat, Does.Match(@"(?m)^:CNI-[0-9a-f]+ "), $"{save}: a CNI-… chain");
            Assert.That(nat, Does.Match($@"(?m)^-A POSTROUTING -s {Regex.Escape(host)} .*-j CNI-[0-9a-f]+"),
                $"{save}: POSTROUTING feeds the chain");
            Assert.That(nat, Does.Contain("-j MASQUERADE"), save);
        }
        Assert.That(MasqRules(), Is.Empty, "the iptables backend leaves nf_tables' masquerade table alone");

        foreach (var f in families)
        {
            NsTraffic.Ping(c, f.Remote, expectSuccess: true, "(masqueraded by iptables)");
            Assert.That(seen.Count(f.Router), Is.GreaterThan(0), $"masqueraded: the remote saw the router's {f.Router}");
            Assert.That(seen.Count(f.ContainerSubnet), Is.Zero, "masqueraded: the container's address never arrived");
        }

        CniAssert.SilentSuccess(_h.Run(Bridge, "DEL", conf, c.Path, "cbt-fwipt"));
        Assert.That(NatTable("iptables-save"), Does.Not.Contain("CNI-"), "DEL removed the IPv4 CNI-… chain and POSTROUTING jump");
        Assert.That(NatTable("ip6tables-save"), Does.Not.Contain("CNI-"), "DEL removed the IPv6 CNI-… chain and POSTROUTING jump");
    }

    [Test]
    public void BridgeMacspoofchkDropsAContainerWithAnotherMacAndDELKeepsTheOtherContainersRules()
    {
        var a = _h.Container("fwa");
        var b = _h.Container("fwb");
        var conf = BridgeConf("cbtfw122", "10.199.122.0/24", ",\"macspoofchk\":true");
        var ra = CniAssert.Success(_h.Run(Bridge, "ADD", conf, a.Path, "cbt-msa"));
        var rb = CniAssert.Success(_h.Run(Bridge, "ADD", conf, b.Path, "cbt-msb"));
        string Addr(JsonElement r) => r.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
        string addrA = Addr(ra), addrB = Addr(rb);
        string macA = NetHarness.Link(a, "eth0").GetProperty("address").GetString()!;
        var seenByB = new EchoCounter(b, addrA);
        string BridgeNat() => NsTraffic.Exec(_h.Host, "nft", "list", "table", "bridge", "nat");

        NsTraffic.Ping(a, addrB, expectSuccess: true, "(own MAC)");
        int before = seenByB.Count(addrA);
        Assert.That(before, Is.GreaterThan(0), "B saw A's echo requests");

        a.IpIn("link", "set", "eth0", "address", "02:00:0a:c7:7a:99");
        _h.Host.IpIn("neigh", "flush", "all");
        NsTraffic.Ping(a, addrB, expectSuccess: false, "(spoofed MAC)");
        Assert.That(seenByB.Count(addrA), Is.EqualTo(before), "frames from the spoofed MAC never reached B");
        NsTraffic.Ping(b, "10.199.122.1", expectSuccess: true, "(B is unaffected)");

        a.IpIn("link", "set", "eth0", "address", macA);
        NsTraffic.Ping(a, addrB, expectSuccess: true, "(MAC restored)");
        Assert.That(seenByB.Count(addrA), Is.GreaterThan(before), "B sees A again");

        Assert.That(BridgeNat(), Does.Contain("cni-br-iface-cbt-msa-eth0").And.Contain("cni-br-iface-cbt-msb-eth0"));
        CniAssert.SilentSuccess(_h.Run(Bridge, "DEL", conf, a.Path, "cbt-msa"));
        string nat = BridgeNat();
        Assert.That(nat, Does.Not.Contain("cbt-msa"), "A's chains and jump are gone");
        Assert.That(nat, Does.Contain("chain cni-br-iface-cbt-msb-eth0 ").And.Contain("chain cni-br-iface-cbt-msb-eth0-mac ")
            .And.Contain("comment \"macspoofchk-cbt-msb-eth0\""), "B's chains and jump remain");

        b.IpIn("link", "set", "eth0", "address", "02:00:0a:c7:7a:98");
        NsTraffic.Ping(b, "10.199.122.1", expectSuccess: false, "(B spoofing after A's DEL)");
    }
}
