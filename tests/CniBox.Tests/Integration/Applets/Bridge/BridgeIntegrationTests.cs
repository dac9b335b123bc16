using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Bridge;

/// <summary>The bridge applet run inside a host-like netns against fresh container namespaces.</summary>
[Category("root")]
public class BridgeIntegrationTests
{
    private NetHarness _h = null!;
    private TestNetns _c = null!;

    [SetUp]
    public void Create()
    {
        _h = new NetHarness("br");
        _c = _h.Container("brc");
    }

    [TearDown]
    public void Destroy() => _h.Dispose();

    private static string Bridge => Binaries.Applet("bridge");

    private string Conf(string bridge, string version = "1.0.0", string subnets = "10.199.30.0/24", string extra = "",
        string? ipam = null) =>
        NetHarness.Conf("bridge", version, ipam ?? _h.HostLocal(subnets), $",\"bridge\":\"{bridge}\"{extra}");

    private ProcessResult Run(string verb, string conf, string? netns = null, string containerId = "cbt-c1") =>
        _h.Run(Bridge, verb, conf, netns ?? _c.Path, containerId);

    private static string WithPrev(string conf, JsonElement result) => conf[..^1] + ",\"prevResult\":" + result.GetRawText() + "}";

    private static string HostVeth(JsonElement result) => result.GetProperty("interfaces")[1].GetProperty("name").GetString()!;

    [Test]
    public void TwoContainersOnOneBridgePingEachOtherAndTheGateway()
    {
        var conf = Conf("cbtbr30", extra: ",\"isGateway\":true");
        var c2 = _h.Container("brc2");
        var r1 = CniAssert.Success(Run("ADD", conf));
        var r2 = CniAssert.Success(Run("ADD", conf, c2.Path, "cbt-c2"));

        foreach (var (r, ns) in new[] { (r1, _c), (r2, c2) })
        {
            var ifs = r.GetProperty("interfaces");
            Assert.That(ifs.GetArrayLength(), Is.EqualTo(3));
            Assert.That(ifs[0].GetProperty("name").GetString(), Is.EqualTo("cbtbr30"));
            Assert.That(ifs[0].TryGetProperty("sandbox", out _), Is.False);
            Assert.That(ifs[1].GetProperty("name").GetString(), Does.StartWith("veth"));
            Assert.That(ifs[1].TryGetProperty("sandbox", out _), Is.False);
            Assert.That(ifs[2].GetProperty("name").GetString(), Is.EqualTo("eth0"));
            Assert.That(ifs[2].GetProperty("sandbox").GetString(), Is.EqualTo(ns.Path));
            var ip = r.GetProperty("ips")[0];
            Assert.That(ip.GetProperty("interface").GetInt32(), Is.EqualTo(2));
            Assert.That(ip.GetProperty("gateway").GetString(), Is.EqualTo("10.199.30.1"));
            var master = NetHarness.Link(_h.Host, ifs[1].GetProperty("name").GetString()!).GetProperty("master").GetString();
            Assert.That(master, Is.EqualTo("cbtbr30"));
        }
        Assert.That(r1.GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.199.30.2/24"));
        Assert.That(r2.GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.199.30.3/24"));

        Assert.That(_h.Host.IpIn("addr", "show", "dev", "cbtbr30"), Does.Contain("inet 10.199.30.1/24"));
        var br = NetHarness.Link(_h.Host, "cbtbr30");
        Assert.That(br.GetProperty("linkinfo").GetProperty("info_kind").GetString(), Is.EqualTo("bridge"));
        Assert.That(br.GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("UP"));

        Assert.That(NetHarness.Ping(_c, "10.199.30.3"), Is.True, "c1 -> c2");
        Assert.That(NetHarness.Ping(c2, "10.199.30.2"), Is.True, "c2 -> c1");
        Assert.That(NetHarness.Ping(_c, "10.199.30.1"), Is.True, "c1 -> gateway");
        Assert.That(NetHarness.Ping(c2, "10.199.30.1"), Is.True, "c2 -> gateway");
    }

    [Test]
    public void IsDefaultGatewayAddsADefaultRouteInsideTheContainerOnly()
    {
        var hostRoutesBefore = _h.Host.IpIn("route", "show");
        Assert.That(hostRoutesBefore, Does.Not.Contain("default"));
        var result = CniAssert.Success(Run("ADD", Conf("cbtbr31", subnets: "10.199.31.0/24", extra: ",\"isDefaultGateway\":true")));
        Assert.That(result.GetProperty("ips")[0].GetProperty("gateway").GetString(), Is.EqualTo("10.199.31.1"));
        Assert.That(_c.IpIn("route", "show"), Does.Contain("default via 10.199.31.1 dev eth0"));
        Assert.That(_h.Host.IpIn("route", "show"), Does.Not.Contain("default"), "no default route in the host netns");
        Assert.That(_h.Host.IpIn("addr", "show", "dev", "cbtbr31"), Does.Contain("inet 10.199.31.1/24"));
        Assert.That(NetHarness.Ping(_c, "10.199.31.1"), Is.True);
    }

    [Test]
    public void Layer2OnlyEnslavesTheVethWithoutAddresses()
    {
        var result = CniAssert.Success(Run("ADD", NetHarness.Conf("bridge", "1.0.0", "{}", ",\"bridge\":\"cbtbr32\"")));
        Assert.That(result.TryGetProperty("ips", out var ips) ? ips.GetArrayLength() : 0, Is.EqualTo(0));
        Assert.That(result.GetProperty("interfaces").GetArrayLength(), Is.EqualTo(3));
        Assert.That(NetHarness.Links(_c), Is.EqualTo(new[] { "eth0" }));
        Assert.That(NetHarness.Link(_c, "eth0").GetProperty("linkinfo").GetProperty("info_kind").GetString(), Is.EqualTo("veth"));
        Assert.That(_c.IpIn("-4", "addr", "show", "dev", "eth0"), Does.Not.Contain("inet "));
        var hostVeth = HostVeth(result);
        Assert.That(NetHarness.Link(_h.Host, hostVeth).GetProperty("master").GetString(), Is.EqualTo("cbtbr32"));
        Assert.That(_h.AllocatedIps(), Is.Empty);
        CniAssert.SilentSuccess(Run("DEL", NetHarness.Conf("bridge", "1.0.0", "{}", ",\"bridge\":\"cbtbr32\"")));
        Assert.That(NetHarness.Links(_c), Is.Empty);
    }

    [Test]
    public void AnExistingBridgeIsReusedWithItsIfindex()
    {
        _h.Host.IpIn("link", "add", "cbtbr33", "type", "bridge");
        var before = NetHarness.Link(_h.Host, "cbtbr33").GetProperty("ifindex").GetInt32();
        var result = CniAssert.Success(Run("ADD", Conf("cbtbr33", subnets: "10.199.33.0/24", extra: ",\"isGateway\":true")));
        Assert.That(result.GetProperty("interfaces")[0].GetProperty("name").GetString(), Is.EqualTo("cbtbr33"));
        var after = NetHarness.Link(_h.Host, "cbtbr33");
        Assert.That(after.GetProperty("ifindex").GetInt32(), Is.EqualTo(before));
        Assert.That(after.GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("UP"));
        Assert.That(NetHarness.Link(_h.Host, HostVeth(result)).GetProperty("master").GetString(), Is.EqualTo("cbtbr33"));
        Assert.That(NetHarness.Ping(_c, "10.199.33.1"), Is.True);
    }

    [Test]
    public void HairpinAndPortIsolationAreSetOnTheHostVeth()
    {
        var result = CniAssert.Success(Run("ADD",
            Conf("cbtbr34", subnets: "10.199.34.0/24", extra: ",\"hairpinMode\":true,\"portIsolation\":true")));
        var slave = NetHarness.Link(_h.Host, HostVeth(result)).GetProperty("linkinfo").GetProperty("info_slave_data");
        Assert.That(slave.GetProperty("hairpin").GetBoolean(), Is.True);
        Assert.That(slave.GetProperty("isolated").GetBoolean(), Is.True);
    }

    [Test]
    public void HairpinAndPortIsolationAreOffByDefault()
    {
        var result = CniAssert.Success(Run("ADD", Conf("cbtbr34", subnets: "10.199.34.0/24")));
        var slave = NetHarness.Link(_h.Host, HostVeth(result)).GetProperty("linkinfo").GetProperty("info_slave_data");
        Assert.That(slave.GetProperty("hairpin").GetBoolean(), Is.False);
        Assert.That(slave.GetProperty("isolated").GetBoolean(), Is.False);
    }

    [Test]
    public void CheckPassesThenDetectsARemovedAddress()
    {
        var conf = Conf("cbtbr35", subnets: "10.199.35.0/24", extra: ",\"isGateway\":true");
        var result = CniAssert.Success(Run("ADD", conf));
        var check = WithPrev(conf, result);
        CniAssert.SilentSuccess(Run("CHECK", check));

        _c.IpIn("addr", "flush", "dev", "eth0");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999), Does.Contain("10.199.35.2/24").And.Contain("eth0"));
    }

    [Test]
    public void DelTwiceAndAfterTheNetnsIsGoneReleasesTheIp()
    {
        var conf = Conf("cbtbr36", subnets: "10.199.36.0/24");
        var result = CniAssert.Success(Run("ADD", conf));
        var hostVeth = HostVeth(result);
        Assert.That(_h.AllocatedIps(), Is.EqualTo(new[] { "10.199.36.2" }));
        CniAssert.SilentSuccess(Run("DEL", conf));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(_c), Is.Empty);
        Assert.That(NetHarness.Links(_h.Host), Does.Not.Contain(hostVeth), "the host veth went with its peer");
        Assert.That(_h.AllocatedIps(), Is.Empty);

        CniAssert.Success(Run("ADD", conf));
        Assert.That(_h.AllocatedIps(), Is.Not.Empty);
        var gone = _c.Path;
        _c.Dispose();
        CniAssert.SilentSuccess(Run("DEL", conf, netns: gone));
        Assert.That(_h.AllocatedIps(), Is.Empty);
        CniAssert.SilentSuccess(Run("DEL", conf, netns: ""));
    }

    private void AssertNothingLeft(params string[] hostLinksAllowed)
    {
        Assert.That(NetHarness.Links(_c), Is.Empty, "no veth in the container");
        Assert.That(NetHarness.Links(_h.Host).Where(l => l.StartsWith("veth")), Is.Empty, "no veth in the host");
        Assert.That(NetHarness.Links(_h.Host).Except(hostLinksAllowed), Is.Empty, "no new host link");
        Assert.That(_h.AllocatedIps(), Is.Empty, "no IP file");
    }

    [Test]
    public void BadInputIsRefusedAndLeavesNothing()
    {
        Assert.That(CniAssert.Error(Run("ADD", Conf("cbtbr37", subnets: "10.199.37.0/24",
                extra: ",\"hairpinMode\":true,\"promiscMode\":true")), 7),
            Does.Contain("cannot set hairpin mode and promiscuous mode at the same time"));
        AssertNothingLeft();
        Assert.That(CniAssert.Error(Run("ADD", Conf("cbtbr37", subnets: "10.199.37.0/24", extra: ",\"vlan\":5000")), 7),
            Does.Contain("invalid VLAN ID 5000 (must be between 0 and 4094)"));
        AssertNothingLeft();
        Assert.That(CniAssert.Error(Run("ADD", Conf("cbtbr37", subnets: "10.199.37.0/24", extra: ",\"ipMasq\":true,\"ipMasqBackend\":\"ipfw\"")), 7),
            Does.Contain("ipMasqBackend must be either \"iptables\" or \"nftables\", not \"ipfw\""));
        AssertNothingLeft();

        _h.Host.IpIn("link", "add", "cbtnotbr", "type", "veth", "peer", "name", "cbtnotbrp");
        Assert.That(CniAssert.Error(Run("ADD", Conf("cbtnotbr", subnets: "10.199.37.0/24")), 999),
            Does.Contain("already exists but is not a bridge"));
        AssertNothingLeft("cbtnotbr", "cbtnotbrp");
    }

    [TestCase("0.3.1")]
    [TestCase("0.4.0")]
    [TestCase("1.0.0")]
    [TestCase("1.1.0")]
    public void EveryVersion(string version)
    {
        var conf = Conf("cbtbr38", version, "10.199.38.0/24", ",\"isGateway\":true");
        var result = CniAssert.Success(Run("ADD", conf));
        Assert.That(result.GetProperty("cniVersion").GetString(), Is.EqualTo(version));
        Assert.That(result.GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.199.38.2/24"));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }
}
