using System.Net;
using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Netfilter;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Netfilter;

/// <summary>
/// Packets between namespaces this test creates, only: container (10.199.50.2) -- router (10.199.50.1, 10.199.51.1,
/// forwarding on) -- remote (10.199.51.2). The remote counts the echo requests per source address with its own nft
/// counters (in its own namespace), which shows whether the router masqueraded.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed partial class NetfilterTrafficTests
{
    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    [Test]
    public void Masquerade_makes_the_remote_see_the_router_address_and_teardown_restores_the_container_address()
    {
        using var container = new TestNetns("nft");
        using var router = new TestNetns("nft");
        using var remote = new TestNetns("nft");
        Link(container, "c0", "10.199.50.2/24", router, "r0", "10.199.50.1/24");
        Link(router, "r1", "10.199.51.1/24", remote, "x0", "10.199.51.2/24");
        container.IpIn("route", "add", "default", "via", "10.199.50.1");
        NftTestNetns.Run("ip", ["netns", "exec", router.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
        Nft(remote, "add table ip obs; add chain ip obs in { type filter hook input priority 0 ; }; " +
            "add rule ip obs in ip saddr 10.199.51.1 icmp type echo-request counter comment \"router\"; " +
            "add rule ip obs in ip saddr 10.199.50.2 icmp type echo-request counter comment \"container\"");

        using NetNsHandle ns = NetNsHandle.Open(router.Path);
        using var nft = NftHandle.Open(ns);
        Masquerade.SetupMasquerade(nft, IPAddress.Parse("10.199.50.2"), 24, "net-a", "eth0", "c1");
        Ping(container, "10.199.51.2", expectSuccess: true);
        Assert.That(Counters(remote), Is.EqualTo((1, 0)), "masqueraded: the remote saw the router's address");

        Masquerade.TeardownMasquerade(nft, "net-a", "eth0", "c1");
        remote.IpIn("route", "add", "10.199.50.0/24", "via", "10.199.51.1");
        NftTestNetns.Run("ip", ["netns", "exec", router.Name, "sh", "-c", "command -v conntrack >/dev/null && conntrack -F || true"]);
        Ping(container, "10.199.51.2", expectSuccess: true, id: 2);
        Assert.That(Counters(remote).Container, Is.EqualTo(1), "without masquerade the remote sees the container's address");
    }

    [Test]
    public void MacSpoofCheck_drops_frames_with_another_source_mac()
    {
        using var container = new TestNetns("nft");
        using var router = new TestNetns("nft");
        router.IpIn("link", "add", "br0", "type", "bridge");
        router.IpIn("addr", "add", "10.199.52.1/24", "dev", "br0");
        router.IpIn("link", "set", "br0", "up");
        Link(container, "c0", "10.199.52.2/24", router, "vh0", null);
        router.IpIn("link", "set", "vh0", "master", "br0");
        string mac = Regex.Match(container.IpIn("link", "show", "c0"), "link/ether ([0-9a-f:]{17})").Groups[1].Value;

        using NetNsHandle ns = NetNsHandle.Open(router.Path);
        using var nft = NftHandle.Open(ns);
        MacSpoofCheck.Setup(nft, "vh0", PhysicalAddress.Parse(mac), "c1", "eth0");
        Ping(container, "10.199.52.1", expectSuccess: true);

        container.IpIn("link", "set", "c0", "address", "02:00:0a:c7:34:99");
        router.IpIn("neigh", "flush", "all");
        Ping(container, "10.199.52.1", expectSuccess: false);

        container.IpIn("link", "set", "c0", "address", mac);
        Ping(container, "10.199.52.1", expectSuccess: true);
        MacSpoofCheck.Teardown(nft, "c1", "eth0");
        container.IpIn("link", "set", "c0", "address", "02:00:0a:c7:34:99");
        router.IpIn("neigh", "flush", "all");
        Ping(container, "10.199.52.1", expectSuccess: true);
    }

    /// <summary>A veth pair between two namespaces, addressed (null: no address) and up, loopbacks up.</summary>
    private static void Link(TestNetns a, string aName, string? aAddr, TestNetns b, string bName, string? bAddr)
    {
        a.IpIn("link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b.Name);
        foreach (var (ns, name, addr) in new[] { (a, aName, aAddr), (b, bName, bAddr) })
        {
            if (addr is not null)
                ns.IpIn("addr", "add", addr, "dev", name);
            ns.IpIn("link", "set", name, "up");
            ns.IpIn("link", "set", "lo", "up");
        }
    }

    private static void Nft(TestNetns ns, string script) =>
        NftTestNetns.Run("ip", ["netns", "exec", ns.Name, "nft", "-f", "-"], script.Replace("; ", "\n"));

    private static void Ping(TestNetns from, string to, bool expectSuccess, int id = 1)
    {
        // Up to 3 tries for success (the first may wait on neighbour resolution); one short try for failure.
        string[] args = ["netns", "exec", from.Name, "ping", "-n", "-q", "-c", expectSuccess ? "1" : "2", "-W", "1", to];
        bool ok = false;
        for (int i = 0; i < (expectSuccess ? 3 : 1) && !ok; i++)
            ok = TryRun("ip", args);
        Assert.That(ok, Is.EqualTo(expectSuccess), $"ping {to} from {from.Name} (try {id})");
    }

    private static (int Router, int Container) Counters(TestNetns remote)
    {
        string text = NftTestNetns.Run("ip", ["netns", "exec", remote.Name, "nft", "list", "table", "ip", "obs"]);
        int Count(string who) => int.Parse(CounterRegex(who).Match(text).Groups[1].Value);
        return (Count("router") > 0 ? 1 : 0, Count("container") > 0 ? 1 : 0);
    }

    private static Regex CounterRegex(string comment) => new($"counter packets (\\d+) bytes \\d+ comment \"{comment}\"");

    private static bool TryRun(string file, string[] args)
    {
        try
        {
            NftTestNetns.Run(file, args);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
