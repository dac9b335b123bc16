using CniBox.Tests.Support;

namespace CniBox.Tests.Differential;

/// <summary>
/// The same sbr calls through Debian's Go sbr (1.1.1) and ours, each with its own container netns where a plugin
/// before it left a veth (<c>cbthds0</c>, 10.199.217.2/24, default route via .1) whose peer is in the side's node
/// netns: the same result and the same rules, routes and links in both namespaces after ADD. After DEL both drop
/// the rule; the rest differs on purpose and is asserted as such: ours also empties table 100 and gives main its
/// routes back, Go 1.1.1 leaves both as ADD made them. A default route main did not have (IPv6 here) is ours with
/// protocol static, Go's boot. DEL of a link that is gone fails in Go 1.1.1 ("Failed to get link"), succeeds in upstream and ours.
/// </summary>
[Category("root")]
[Category("differential")]
public class SbrDifferentialTests
{
    private sealed record Observation(string Add, string ContainerAfterAdd, string NodeAfterAdd, string Del, string ContainerAfterDel, string DelAgain);

    private static void Prepare(PluginSide side)
    {
        side.Container.IpIn("link", "add", "cbthds0", "address", "02:00:00:19:d9:02", "type", "veth", "peer", "name", "cbthds1",
            "netns", side.Net.Host.Name);
        side.Container.IpIn("addr", "add", "10.199.217.2/24", "dev", "cbthds0");
        side.Container.IpIn("addr", "add", "fd99:0:217::2/64", "dev", "cbthds0", "nodad");
        side.Container.IpIn("link", "set", "cbthds0", "up");
        // No link-local address on the node's end: the kernel adds it whenever it gets to it, so the node
        // snapshots of the two sides would differ by when each was taken, not by the plugin.
        side.Net.Host.IpIn("link", "set", "cbthds1", "addrgenmode", "none");
        side.Net.Host.IpIn("link", "set", "cbthds1", "up");
        side.Container.IpIn("route", "add", "default", "via", "10.199.217.1", "dev", "cbthds0");
    }

    private static string Conf(PluginSide side, bool dualStack) => NetHarness.Conf("sbr", "1.0.0", "",
        ",\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cbthds0\",\"sandbox\":\"" + side.Container.Path + "\"}]," +
        "\"ips\":[{\"address\":\"10.199.217.2/24\",\"gateway\":\"10.199.217.1\",\"interface\":0}" +
        (dualStack ? ",{\"address\":\"fd99:0:217::2/64\",\"gateway\":\"fd99:0:217::1\",\"interface\":0}" : "") + "]}");

    /// <summary>The snapshot (links, addresses, routes of every table but local) plus the rules of both families.</summary>
    private static string State(TestNetns ns) =>
        NetnsSnapshot.Describe(ns, ["02:00:00:19:d9:02"], ignoreTentative: true) + "\n" + ns.IpIn("rule") + ns.IpIn("-6", "rule");

    private static ProcessResult Run(PluginSide side, string verb, string conf) =>
        side.Net.Run(side.Plugin, verb, conf, side.Container.Path, ifName: "cbthds0", goPath: side.IsGo);

    private static Observation Observe(PluginSide side, bool dualStack)
    {
        Prepare(side);
        var conf = Conf(side, dualStack);
        var add = side.Masked(Run(side, "ADD", conf), ["02:00:00:19:d9:02"]);
        var container = State(side.Container);
        var node = NetnsSnapshot.Describe(side.Net.Host, ignoreTentative: true);
        var del = side.Masked(Run(side, "DEL", conf), []);
        return new Observation(add, container, node, del, State(side.Container), side.Masked(Run(side, "DEL", conf), []));
    }

    [TestCase(false, TestName = "SameResultAndKernelState(Ipv4)")]
    [TestCase(true, TestName = "SameResultAndKernelState(DualStack)")]
    public void SameResultAndKernelState(bool dualStack)
    {
        Binaries.RequireGoPlugin("sbr");
        Binaries.RequirePublished();
        using var go = new PluginSide("hdgo", Binaries.GoPlugin("sbr"), isGo: true);
        using var ours = new PluginSide("hdours", Binaries.Applet("sbr"), isGo: false);
        var g = Observe(go, dualStack);
        var o = Observe(ours, dualStack);
        Assert.Multiple(() =>
        {
            Assert.That(o.Add, Is.EqualTo(g.Add), "ADD result");
            Assert.That(NoStatic(o.ContainerAfterAdd), Is.EqualTo(g.ContainerAfterAdd), "container netns after ADD");
            Assert.That(o.NodeAfterAdd, Is.EqualTo(g.NodeAfterAdd), "node netns after ADD");
            Assert.That((o.Del, o.DelAgain), Is.EqualTo((g.Del, g.DelAgain)), "DEL, and DEL again");
        });
        Assert.That(o.ContainerAfterAdd, Does.Contain("from 10.199.217.2 lookup 100"));
        if (dualStack) Assert.That(o.ContainerAfterAdd, Does.Contain("from fd99:0:217::2 lookup 101"));
        else Assert.That(o.ContainerAfterAdd, Is.EqualTo(NoStatic(o.ContainerAfterAdd)), "one address: the default route was main's, proto boot as Go's");
        // After DEL: no rule on either side; Go leaves the table and main emptied, ours moves the routes back.
        Assert.That(g.ContainerAfterDel, Does.Not.Contain("lookup 10").And.Contain("table=100").And.Not.Contain("dst=10.199.217.0/24 flags= prefsrc=10.199.217.2 protocol=kernel scope=link table=main"));
        Assert.That(o.ContainerAfterDel, Does.Not.Contain("lookup 10").And.Not.Contain("table=100").And.Not.Contain("table=101")
            .And.Contain("dst=10.199.217.0/24 flags= prefsrc=10.199.217.2 protocol=kernel scope=link table=main")
            .And.Contain("route -4 dev=cbthds0 dst=default flags= gateway=10.199.217.1"));
    }

    [Test]
    public void DelOfAGoneLinkFailsInGoAndSucceedsInOurs()
    {
        Binaries.RequireGoPlugin("sbr");
        Binaries.RequirePublished();
        using var go = new PluginSide("hdgo", Binaries.GoPlugin("sbr"), isGo: true);
        using var ours = new PluginSide("hdours", Binaries.Applet("sbr"), isGo: false);
        var conf = NetHarness.Conf("sbr", "1.0.0", "");
        Assert.That(CniAssert.Error(go.Run("DEL", conf), 999), Is.EqualTo("Failed to get link eth0: Link not found"));
        CniAssert.SilentSuccess(ours.Run("DEL", conf));
    }

    /// <summary>Ours marks a default route main did not have (the IPv6 one here) RTPROT_STATIC; Go adds it as boot.</summary>
    private static string NoStatic(string state) => state.Replace("protocol=static", "protocol=boot");
}
