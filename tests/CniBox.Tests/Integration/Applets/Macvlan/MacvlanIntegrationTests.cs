using System.Text.Json;
using CniBox.Tests.Integration.Applets.Common.OneLink;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Macvlan;

/// <summary>
/// The macvlan applet in a node netns (cbt-mv-h-*) whose master is the veth cbtmv0, against fresh container
/// namespaces; the node's own default route (via cbtmv0) stands in for the host's, which is never touched.
/// </summary>
[Category("root")]
public class MacvlanIntegrationTests() : OneLinkMasterFixture("macvlan", "10.199.95.0/24")
{
    private static JsonElement Link(TestNetns ns, string name = "eth0") => NetHarness.Link(ns, name);

    [TestCase("bridge")]
    [TestCase("private")]
    [TestCase("vepa")]
    [TestCase("passthru")]
    [TestCase("source")]
    public void AddCheckDelInEachMode(string mode)
    {
        var conf = Conf($",\"master\":\"{Master}\",\"mode\":\"{mode}\"");
        var result = CniAssert.Success(Run("ADD", conf));
        var iface = result.GetProperty("interfaces")[0];
        var link = Link(Container);
        Assert.That(iface.GetProperty("name").GetString(), Is.EqualTo("eth0"));
        Assert.That(iface.GetProperty("sandbox").GetString(), Is.EqualTo(Container.Path));
        Assert.That(iface.GetProperty("mac").GetString(), Is.EqualTo(link.GetProperty("address").GetString()));
        Assert.That(result.GetProperty("ips")[0].GetProperty("interface").GetInt32(), Is.EqualTo(0));
        Assert.That(link.GetProperty("linkinfo").GetProperty("info_kind").GetString(), Is.EqualTo("macvlan"));
        Assert.That(link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString(), Is.EqualTo(mode));
        Assert.That(link.GetProperty("link_index").GetInt32(), Is.EqualTo(Link(Harness.Host, Master).GetProperty("ifindex").GetInt32()));
        Assert.That(Container.IpIn("addr", "show", "dev", "eth0"), Does.Contain("inet 10.199.95.2/24"));
        Assert.That(Sysctl(Container, "net.ipv4.conf.eth0.arp_notify"), Is.EqualTo("1"));
        Assert.That(Sysctl(Container, "net.ipv6.conf.eth0.ndisc_notify"), Is.EqualTo("1"));

        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        var otherMode = mode == "vepa" ? "private" : "vepa";
        Assert.That(CniAssert.Error(Run("CHECK", CniJson.WithPrevResult(conf.Replace($"\"{mode}\"", $"\"{otherMode}\""), result.GetRawText())), 999),
            Is.EqualTo($"Container macvlan mode {mode} does not match expected value: {otherMode}"));

        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(Container), Is.Empty);
        Assert.That(Harness.AllocatedIps(), Is.Empty);
        CniAssert.SilentSuccess(Run("DEL", conf));
    }

    [Test]
    public void MtuOverTheMastersIsRefusedWithGosMessageBeforeAnythingIsCreated()
    {
        var error = CniAssert.Error(Run("ADD", Conf($",\"master\":\"{Master}\",\"mtu\":1501")), 999);
        Assert.That(error, Is.EqualTo("invalid MTU 1501, must be [0, master MTU(1500)]"));
        Assert.That(NetHarness.Links(Container), Is.Empty);
        Assert.That(Harness.AllocatedIps(), Is.Empty);

        CniAssert.Success(Run("ADD", Conf($",\"master\":\"{Master}\",\"mtu\":1400")));
        Assert.That(Link(Container).GetProperty("mtu").GetInt32(), Is.EqualTo(1400));
    }

    [Test]
    public void DelSucceedsWhenTheMasterIsGone()
    {
        var conf = Conf($",\"master\":\"{Master}\"");
        CniAssert.Success(Run("ADD", conf));
        Harness.Host.IpIn("link", "del", Master);
        Assert.That(NetHarness.Links(Container), Is.Empty, "the kernel removes a macvlan with its master");
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(Harness.AllocatedIps(), Is.Empty);
    }

    [TestCase("\"master\":\"\",")]
    [TestCase("")]
    public void NoMasterMeansTheNodesDefaultRouteInterface(string master)
    {
        Assert.That(CniAssert.Error(Run("ADD", Conf("," + master + "\"mode\":\"bridge\"")), 999), Is.EqualTo("no default route interface found"));
        Harness.Host.IpIn("addr", "add", "10.199.97.1/24", "dev", Master);
        Harness.Host.IpIn("route", "add", "default", "via", "10.199.97.254", "dev", Master);
        CniAssert.Success(Run("ADD", Conf("," + master + "\"mode\":\"bridge\"")));
        Assert.That(Link(Container).GetProperty("link_index").GetInt32(), Is.EqualTo(Link(Harness.Host, Master).GetProperty("ifindex").GetInt32()));
    }

    [Test]
    public void LinkInContainerFindsTheMasterAndItsDefaultRouteInTheContainer()
    {
        Container.IpIn("link", "add", "cbtmv2", "type", "veth", "peer", "name", "cbtmv3");
        Container.IpIn("link", "set", "cbtmv2", "up");
        Container.IpIn("addr", "add", "10.199.128.1/24", "dev", "cbtmv2");
        Container.IpIn("route", "add", "default", "via", "10.199.128.254", "dev", "cbtmv2");
        var conf = Conf(",\"master\":\"\",\"linkInContainer\":true,\"mtu\":1400");
        var result = CniAssert.Success(Run("ADD", conf, ifName: "net1"));
        var link = Link(Container, "net1");
        Assert.That(link.GetProperty("link").GetString(), Is.EqualTo("cbtmv2"));
        Assert.That(link.GetProperty("mtu").GetInt32(), Is.EqualTo(1400));
        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText()), ifName: "net1"));
        CniAssert.SilentSuccess(Run("DEL", conf, ifName: "net1"));
        Assert.That(NetHarness.Links(Container), Is.EquivalentTo(new[] { "cbtmv2", "cbtmv3" }));
    }

    [Test]
    public void TwoContainersOnOneMasterPingEachOther()
    {
        var other = Harness.Container("mv-b");
        var conf = Conf($",\"master\":\"{Master}\"", subnet: "10.199.96.0/24");
        CniAssert.Success(Run("ADD", conf));
        CniAssert.Success(Run("ADD", conf, other, containerId: "cbt-mv2"));
        Assert.That(NetHarness.Ping(Container, "10.199.96.3"), Is.True, "a -> b");
        Assert.That(NetHarness.Ping(other, "10.199.96.2"), Is.True, "b -> a");
    }

    [Test]
    public void WithoutIpamTheLinkIsOnlyBroughtUp()
    {
        var conf = Conf($",\"master\":\"{Master}\",\"bcqueuelen\":2000", ipam: false);
        var result = CniAssert.Success(Run("ADD", conf));
        Assert.That(result.TryGetProperty("ips", out _), Is.False);
        var link = Link(Container);
        Assert.That(link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("UP"));
        Assert.That(link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("bcqueuelen").GetInt32(), Is.EqualTo(2000));
        Assert.That(Container.IpIn("-4", "addr", "show", "dev", "eth0"), Is.Empty);
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(Container), Is.Empty);
    }

    [Test]
    public void TheMacComesFromCniArgsThenRuntimeConfig()
    {
        var conf = Conf($",\"master\":\"{Master}\",\"mac\":\"02:00:0a:c7:5f:01\"");
        var result = CniAssert.Success(Run("ADD", conf, cniArgs: "IgnoreUnknown=1;MAC=02:00:0a:c7:5f:02"));
        Assert.That(Link(Container).GetProperty("address").GetString(), Is.EqualTo("02:00:0a:c7:5f:02"));
        Assert.That(result.GetProperty("interfaces")[0].GetProperty("mac").GetString(), Is.EqualTo("02:00:0a:c7:5f:02"));
        CniAssert.SilentSuccess(Run("DEL", conf));

        var runtime = Conf($",\"master\":\"{Master}\",\"runtimeConfig\":{{\"mac\":\"02:00:0a:c7:5f:03\"}}");
        // host-local refuses the MAC key unless told to ignore unknown keys, as Go's does.
        CniAssert.Success(Run("ADD", runtime, cniArgs: "IgnoreUnknown=1;MAC=02:00:0a:c7:5f:02"));
        Assert.That(Link(Container).GetProperty("address").GetString(), Is.EqualTo("02:00:0a:c7:5f:03"));
    }

    [Test]
    public void TheResultsDnsIsTheConfigsAlone()
    {
        var ipam = "{\"type\":\"static\",\"addresses\":[{\"address\":\"10.199.95.9/24\"}],\"dns\":{\"nameservers\":[\"10.199.95.1\"]}}";
        var withDns = NetHarness.Conf("macvlan", "1.0.0", ipam, $",\"master\":\"{Master}\",\"dns\":{{\"nameservers\":[\"10.199.95.53\"]}}");
        var result = CniAssert.Success(Run("ADD", withDns));
        Assert.That(result.GetProperty("dns").GetProperty("nameservers")[0].GetString(), Is.EqualTo("10.199.95.53"));
        CniAssert.SilentSuccess(Run("DEL", withDns));

        var without = NetHarness.Conf("macvlan", "1.0.0", ipam, $",\"master\":\"{Master}\"");
        Assert.That(CniAssert.Success(Run("ADD", without)).TryGetProperty("dns", out _), Is.False, "IPAM's DNS is dropped, as Go does");
    }

    [Test]
    public void AnIfnameTakenInTheContainerFailsAndLeavesNothing()
    {
        Container.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbtmv4");
        var error = CniAssert.Error(Run("ADD", Conf($",\"master\":\"{Master}\"")), 999);
        Assert.That(error, Does.StartWith("failed to rename macvlan to \"eth0\": "));
        Assert.That(NetHarness.Links(Container), Is.EquivalentTo(new[] { "eth0", "cbtmv4" }));
        Assert.That(Harness.AllocatedIps(), Is.Empty);
    }

    private static string Sysctl(TestNetns ns, string key) => TestNetns.Ip("netns", "exec", ns.Name, "sysctl", "-n", key).Trim();
}
