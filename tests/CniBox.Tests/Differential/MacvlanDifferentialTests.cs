using System.Text.RegularExpressions;
using CniBox.Tests.Support;

namespace CniBox.Tests.Differential;

/// <summary>
/// The same macvlan configs through Debian's Go macvlan (/usr/lib/cni, plugins 1.1.1, with Go's host-local) and
/// ours, each in its own node netns (cbt-mv-go-*, cbt-mv-our-*) with the veth master cbtmv0 and its own container
/// netns: the same result (MACs and the sandbox masked unless given), the same kernel state in both namespaces
/// plus the macvlan's mode and parent, the same CHECK, DEL and state after DEL.
/// Masked, because 1.1.1 lacks them: arp_notify (1.9.1 sets it instead of 1.1.1's gratuitous ARP), keep_addr_on_down.
/// Not compared, because 1.1.1 lacks the keys: bcqueuelen, linkInContainer, mode source (the integration tests cover them).
/// </summary>
[Category("root")]
[Category("differential")]
public partial class MacvlanDifferentialTests
{
    private const string Master = "cbtmv0";
    private const string Mac = "02:00:0a:c7:63:05";

    /// <summary>(name, top-level members, host-local subnets or "" for no ipam, CNI_ARGS, node default route).</summary>
    private static readonly (string Name, string Extra, string Subnets, string CniArgs, bool DefaultRoute)[] Configs =
    [
        ("Ipv4Bridge", $",\"master\":\"{Master}\"", "10.199.99.0/24", "", false),
        ("DualStackPrivate", $",\"master\":\"{Master}\",\"mode\":\"private\"", "10.199.99.0/24 fd99:0:96::/64", "", false),
        ("VepaWithMtu", $",\"master\":\"{Master}\",\"mode\":\"vepa\",\"mtu\":1400", "10.199.99.0/24", "", false),
        ("Passthru", $",\"master\":\"{Master}\",\"mode\":\"passthru\"", "10.199.99.0/24", "", false),
        ("MacFromCniArgs", $",\"master\":\"{Master}\"", "10.199.99.0/24", $"IgnoreUnknown=1;MAC={Mac}", false),
        ("EmptyMasterIsTheDefaultRouteInterface", ",\"master\":\"\"", "10.199.99.0/24", "", true),
        ("L2Only", $",\"master\":\"{Master}\"", "", "", false),
        ("DnsFromTheConfig", $",\"master\":\"{Master}\",\"dns\":{{\"nameservers\":[\"10.199.99.53\"],\"search\":[\"cbt.example\"]}}", "10.199.99.0/24", "", false),
        ("MtuOverTheMasters", $",\"master\":\"{Master}\",\"mtu\":1600", "10.199.99.0/24", "", false),
        ("UnknownMode", $",\"master\":\"{Master}\",\"mode\":\"bridged\"", "10.199.99.0/24", "", false),
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        Configs.Select(c => new TestCaseData(c.Extra, c.Subnets, c.CniArgs, c.DefaultRoute).SetName($"SameResultAndKernelState({c.Name})"));

    private sealed record Observation(string Add, string Node, string Container, string Check, string Del, string NodeAfterDel,
        string ContainerAfterDel, IReadOnlyList<string> IpsAfterDel);

    private static Observation Observe(PluginSide side, string extra, string subnets, string cniArgs, bool defaultRoute)
    {
        var net = side.Net;
        net.Host.IpIn("link", "add", Master, "type", "veth", "peer", "name", "cbtmv1");
        net.Host.IpIn("link", "set", Master, "up");
        net.Host.IpIn("link", "set", "cbtmv1", "up");
        if (defaultRoute)
        {
            net.Host.IpIn("addr", "add", "10.199.97.1/24", "dev", Master);
            net.Host.IpIn("route", "add", "default", "via", "10.199.97.254", "dev", Master);
        }
        var conf = NetHarness.Conf("macvlan", "1.0.0", subnets.Length > 0 ? net.HostLocal(subnets) : "", extra);
        var stable = new[] { Mac };
        var add = side.Run("ADD", conf, cniArgs);
        var node = NetnsSnapshot.Describe(net.Host, ignoreTentative: true);
        var container = Masked(NetnsSnapshot.Describe(side.Container, stable)) + "\n" + MacvlanLine(side);
        var check = add.ExitCode == 0 ? Outcome(side, side.Run("CHECK", CniJson.WithPrevResult(conf, add.Stdout), cniArgs), stable) : "";
        var del = Outcome(side, side.Run("DEL", conf, cniArgs), stable);
        return new Observation(Outcome(side, add, stable), node, container, check, del, NetnsSnapshot.Describe(net.Host, ignoreTentative: true),
            NetnsSnapshot.Describe(side.Container), net.AllocatedIps());
    }

    /// <summary>The macvlan's mode and its parent's name in the node, which the generic snapshot leaves out.</summary>
    private static string MacvlanLine(PluginSide side)
    {
        if (!NetHarness.Links(side.Container).Contains("eth0")) return "no macvlan";
        var link = NetHarness.Link(side.Container, "eth0");
        var parent = link.GetProperty("link_index").GetInt32();
        var parentName = NetHarness.Links(side.Net.Host).FirstOrDefault(n => NetHarness.Link(side.Net.Host, n).GetProperty("ifindex").GetInt32() == parent);
        return $"macvlan mode={link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString()} parent={parentName}";
    }

    /// <summary>A result masked as <see cref="PluginSide.Masked"/>; an error as its code and msg (Go 1.1.1's error JSON has no cniVersion).</summary>
    private static string Outcome(PluginSide side, ProcessResult result, IReadOnlyCollection<string> stable)
    {
        if (result.ExitCode == 0) return side.Masked(result, stable);
        using var error = System.Text.Json.JsonDocument.Parse(result.Stdout);
        return $"exit {result.ExitCode} code={error.RootElement.GetProperty("code").GetInt32()} msg={error.RootElement.GetProperty("msg").GetString()}";
    }

    private static string Masked(string containerSnapshot) =>
        ArpNotify().Replace(KnownDifferences.Mask(containerSnapshot), "$1?");

    [TestCaseSource(nameof(Cases))]
    public void SameResultAndKernelState(string extra, string subnets, string cniArgs, bool defaultRoute)
    {
        Binaries.RequireGoPlugin("macvlan");
        Binaries.RequirePublished();
        using var go = new PluginSide("mv-go", Binaries.GoPlugin("macvlan"), isGo: true);
        using var ours = new PluginSide("mv-our", Binaries.Applet("macvlan"), isGo: false);
        var g = Observe(go, extra, subnets, cniArgs, defaultRoute);
        var o = Observe(ours, extra, subnets, cniArgs, defaultRoute);
        if (extra.Contains("\"mtu\":1600"))
        {
            // Go 1.1.1 (and 1.9.1) check the master's MTU in every verb's loadConf, so DEL of that config fails too;
            // ours checks it where a link is made (ADD) or compared (CHECK): DEL always releases.
            Assert.That(g.Del, Is.EqualTo("exit 1 code=999 msg=invalid MTU 1600, must be [0, master MTU(1500)]"));
            g = g with { Del = "exit 0" };
        }
        Assert.Multiple(() =>
        {
            Assert.That(o.Add, Is.EqualTo(g.Add), "ADD result");
            Assert.That(o.Node, Is.EqualTo(g.Node), "node netns after ADD");
            Assert.That(o.Container, Is.EqualTo(g.Container), "container netns after ADD");
            Assert.That(o.Check, Is.EqualTo(g.Check), "CHECK with the ADD result");
            Assert.That(o.Del, Is.EqualTo(g.Del), "DEL");
            Assert.That(o.NodeAfterDel, Is.EqualTo(g.NodeAfterDel), "node netns after DEL");
            Assert.That(o.ContainerAfterDel, Is.EqualTo(g.ContainerAfterDel), "container netns after DEL");
            Assert.That(o.IpsAfterDel, Is.Empty.And.EquivalentTo(g.IpsAfterDel), "IPs held after DEL");
        });
        Assert.That(o.Node, Does.Contain($"link {Master} "), "the comparison saw the master");
        Assert.That(o.ContainerAfterDel, Does.Not.Contain("eth0"));
    }

    /// <summary>
    /// Upstream #830/#432: Go resolves the master in DEL's loadConf, so DEL fails once the master is gone and the IP
    /// stays allocated; ours needs no master to delete, so DEL succeeds and releases the IP.
    /// </summary>
    [Test]
    public void DelAfterTheMasterIsGoneFailsInGoAndSucceedsInOurs()
    {
        Binaries.RequireGoPlugin("macvlan");
        Binaries.RequirePublished();
        using var go = new PluginSide("mv-go", Binaries.GoPlugin("macvlan"), isGo: true);
        using var ours = new PluginSide("mv-our", Binaries.Applet("macvlan"), isGo: false);
        var outcomes = new[] { go, ours }.Select(side =>
        {
            side.Net.Host.IpIn("link", "add", Master, "type", "veth", "peer", "name", "cbtmv1");
            var conf = NetHarness.Conf("macvlan", "1.0.0", side.Net.HostLocal("10.199.99.0/24"), $",\"master\":\"{Master}\"");
            CniAssert.Success(side.Run("ADD", conf));
            side.Net.Host.IpIn("link", "del", Master);
            return (Del: Outcome(side, side.Run("DEL", conf), []), Held: side.Net.AllocatedIps());
        }).ToList();
        Assert.That(outcomes[0].Del, Is.EqualTo("exit 1 code=999 msg=Link not found"));
        Assert.That(outcomes[0].Held, Is.EqualTo(new[] { "10.199.99.2" }));
        Assert.That(outcomes[1].Del, Is.EqualTo("exit 0"));
        Assert.That(outcomes[1].Held, Is.Empty);
    }

    [GeneratedRegex(@"(/proc/sys/net/ipv4/conf/eth0/arp_notify:)\d")]
    private static partial Regex ArpNotify();
}
