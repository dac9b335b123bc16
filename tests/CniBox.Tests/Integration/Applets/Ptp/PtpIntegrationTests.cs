using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Ptp;

/// <summary>The ptp applet run inside a host-like netns against fresh container namespaces.</summary>
[Category("root")]
public class PtpIntegrationTests
{
    private NetHarness _h = null!;
    private TestNetns _c = null!;

    [SetUp]
    public void Create()
    {
        _h = new NetHarness("ptp");
        _c = _h.Container("ptpc");
    }

    [TearDown]
    public void Destroy() => _h.Dispose();

    private static string Ptp => Binaries.Applet("ptp");

    private string Conf(string version = "1.0.0", string subnets = "10.199.10.0/24", string extra = "", string? ipam = null) =>
        NetHarness.Conf("ptp", version, ipam ?? _h.HostLocal(subnets), extra);

    private ProcessResult Run(string verb, string conf, string? netns = null) => _h.Run(Ptp, verb, conf, netns ?? _c.Path);

    private static string WithPrev(string conf, JsonElement result) => conf[..^1] + ",\"prevResult\":" + result.GetRawText() + "}";

    [Test]
    public void Ipv4ContainerPingsItsGatewayAndTheHostPingsIt()
    {
        var result = CniAssert.Success(Run("ADD", Conf()));
        var ifs = result.GetProperty("interfaces");
        Assert.That(ifs.GetArrayLength(), Is.EqualTo(2));
        Assert.That(ifs[0].GetProperty("name").GetString(), Does.Match("^veth[0-9a-f]{8}$"));
        Assert.That(ifs[0].TryGetProperty("sandbox", out _), Is.False);
        Assert.That(ifs[1].GetProperty("name").GetString(), Is.EqualTo("eth0"));
        Assert.That(ifs[1].GetProperty("sandbox").GetString(), Is.EqualTo(_c.Path));
        var ip = result.GetProperty("ips")[0];
        Assert.That(ip.GetProperty("interface").GetInt32(), Is.EqualTo(1));
        Assert.That(ip.GetProperty("address").GetString(), Is.EqualTo("10.199.10.2/24"));

        var routes = _c.IpIn("route", "show");
        Assert.That(routes, Does.Contain("10.199.10.0/24 via 10.199.10.1 dev eth0 src 10.199.10.2"));
        Assert.That(routes, Does.Contain("10.199.10.1 dev eth0 scope link src 10.199.10.2"));
        Assert.That(routes, Does.Not.Contain("proto kernel scope link"), "the kernel's subnet route is replaced");
        var hostVeth = ifs[0].GetProperty("name").GetString()!;
        Assert.That(_h.Host.IpIn("addr", "show", "dev", hostVeth), Does.Contain("inet 10.199.10.1/32"));
        Assert.That(_h.Host.IpIn("route", "show"), Does.Contain($"10.199.10.2 dev {hostVeth} scope host"));
        Assert.That(_h.Host.IpIn("netns", "exec", _h.Host.Name, "sysctl", "-n", "net.ipv4.ip_forward").Trim(), Is.EqualTo("1"));

        Assert.That(NetHarness.Ping(_c, "10.199.10.1"), Is.True, "container -> gateway");
        Assert.That(NetHarness.Ping(_h.Host, "10.199.10.2"), Is.True, "host -> container");
    }

    [Test]
    public void DualStackWaitsForDadAndRoutesBothFamilies()
    {
        var result = CniAssert.Success(Run("ADD", Conf(subnets: "10.199.11.0/24 fd99:11::/64")));
        Assert.That(result.GetProperty("ips").GetArrayLength(), Is.EqualTo(2));
        var addr = _c.IpIn("-6", "addr", "show", "dev", "eth0");
        Assert.That(addr, Does.Contain("fd99:11::2/64").And.Not.Contain("tentative"), "ADD returns after DAD");
        Assert.That(_c.IpIn("-6", "route", "show"), Does.Contain("fd99:11::/64 via fd99:11::1 dev eth0 src fd99:11::2"));
        Assert.That(NetHarness.Ping(_c, "fd99:11::1"), Is.True);
        Assert.That(NetHarness.Ping(_h.Host, "fd99:11::2"), Is.True);
        Assert.That(NetHarness.Ping(_c, "10.199.11.1"), Is.True);
    }

    [Test]
    public void CheckPassesThenDetectsARemovedAddressAndARemovedRoute()
    {
        var conf = Conf(subnets: "10.199.12.0/24", ipam: _h.HostLocal("10.199.12.0/24", "[{\"dst\":\"10.198.0.0/16\"}]"));
        var result = CniAssert.Success(Run("ADD", conf));
        var check = WithPrev(conf, result);
        CniAssert.SilentSuccess(Run("CHECK", check));

        _c.IpIn("route", "del", "10.198.0.0/16");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999), Does.Contain("10.198.0.0/16").And.Contain("not found"));
        _c.IpIn("route", "add", "10.198.0.0/16", "via", "10.199.12.1");
        CniAssert.SilentSuccess(Run("CHECK", check));

        _c.IpIn("addr", "del", "10.199.12.2/24", "dev", "eth0");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999), Is.EqualTo("Failed to match addr 10.199.12.2/24 on interface eth0"));
    }

    [Test]
    public void DelTwiceAndAfterTheNetnsIsGoneReleasesTheIp()
    {
        var conf = Conf(subnets: "10.199.13.0/24");
        CniAssert.Success(Run("ADD", conf));
        Assert.That(_h.AllocatedIps(), Is.EqualTo(new[] { "10.199.13.2" }));
        CniAssert.SilentSuccess(Run("DEL", conf));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(_c), Is.Empty);
        Assert.That(NetHarness.Links(_h.Host), Is.Empty, "the host veth went with its peer");
        Assert.That(_h.AllocatedIps(), Is.Empty);

        CniAssert.Success(Run("ADD", conf));
        var gone = _c.Path;
        _c.Dispose();
        CniAssert.SilentSuccess(Run("DEL", conf, netns: gone));
        Assert.That(_h.AllocatedIps(), Is.Empty);
        CniAssert.SilentSuccess(Run("DEL", conf, netns: ""));
    }

    [TestCase("0.1.0")]
    [TestCase("0.2.0")]
    [TestCase("0.3.0")]
    [TestCase("0.3.1")]
    [TestCase("0.4.0")]
    [TestCase("1.0.0")]
    [TestCase("1.1.0")]
    public void EveryVersion(string version)
    {
        var conf = Conf(version, "10.199.14.0/24");
        var result = CniAssert.Success(Run("ADD", conf));
        Assert.That(result.GetProperty("cniVersion").GetString(), Is.EqualTo(version));
        if (version is "0.1.0" or "0.2.0")
            Assert.That(result.GetProperty("ip4").GetProperty("ip").GetString(), Is.EqualTo("10.199.14.2/24"));
        else
            Assert.That(result.GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.199.14.2/24"));
        var check = Run("CHECK", WithPrev(conf, result));
        if (string.CompareOrdinal(version, "0.4.0") < 0)
            Assert.That(CniAssert.Error(check, 1), Does.Contain("CHECK"));
        else
            CniAssert.SilentSuccess(check);
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }

    [Test]
    public void StatusAndGcGoToIpam()
    {
        var conf = Conf("1.1.0", "10.199.15.0/24");
        CniAssert.SilentSuccess(_h.Run(Ptp, "STATUS", conf, ""));
        CniAssert.Success(Run("ADD", conf));
        var gc = conf[..^1] + ",\"cni.dev/valid-attachments\":[]}";
        CniAssert.SilentSuccess(_h.Run(Ptp, "GC", gc, ""));
        Assert.That(_h.AllocatedIps(), Is.Empty, "GC with no valid attachment frees the IP");
    }

    private void AssertNothingLeft()
    {
        Assert.That(NetHarness.Links(_c), Is.Empty, "no veth in the container");
        Assert.That(NetHarness.Links(_h.Host), Is.Empty, "no veth in the host");
        Assert.That(_h.AllocatedIps(), Is.Empty, "no IP file");
    }

    [Test]
    public void AFailingIpamRouteRollsBackTheVethAndTheIp()
    {
        var ipam = _h.HostLocal("10.199.16.0/24", "[{\"dst\":\"10.198.0.0/16\",\"gw\":\"10.97.0.1\"}]");
        var msg = CniAssert.Error(Run("ADD", Conf(ipam: ipam)), 999);
        Assert.That(msg, Does.Contain("failed to add route '10.198.0.0/16 via 10.97.0.1 dev eth0'"));
        AssertNothingLeft();
    }

    [Test]
    public void BadInputIsRefusedAndLeavesNothing()
    {
        Assert.That(CniAssert.Error(Run("ADD", NetHarness.Conf("ptp", "1.0.0", "")), 7), Does.Contain("ipam"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(extra: ",\"ipMasq\":true,\"ipMasqBackend\":\"ipfw\"")), 7),
            Does.Contain("ipMasqBackend must be either"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(extra: ",\"mtu\":70000")), 999), Does.Contain("EINVAL").And.Contain("mtu 70000"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(extra: ",\"mtu\":\"x\"")), 6),
            Is.EqualTo("failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.mtu of type int"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(), netns: "/tmp"), 8), Does.Contain("not a network namespace"));
        AssertNothingLeft();
        _c.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbtpeer0");
        Assert.That(CniAssert.Error(Run("ADD", Conf()), 999), Is.EqualTo("container veth name provided (eth0) already exists"));
        Assert.That(NetHarness.Links(_h.Host), Is.Empty);
        Assert.That(_h.AllocatedIps(), Is.Empty);
        CniAssert.SilentSuccess(Run("DEL", Conf(extra: ",\"ipMasq\":true")));
    }
}
