using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Bridge;

/// <summary>
/// isDefaultGateway together with an IPAM default route, as tutorials hand it out: one route when both mean the
/// bridge gateway (Go 1.1.1 adds it twice and fails with "file exists"), an error when they name different ones.
/// </summary>
[Category("root")]
public class BridgeDefaultRouteTests
{
    private NetHarness _h = null!;
    private TestNetns _c = null!;

    [SetUp]
    public void Create()
    {
        _h = new NetHarness("brdr");
        _c = _h.Container("brdrc");
    }

    [TearDown]
    public void Destroy() => _h.Dispose();

    /// <summary>host-local with one range (gateway <c>.1</c>) per subnet and <paramref name="routes"/>.</summary>
    private string Conf(string subnets, string routes) =>
        NetHarness.Conf("bridge", "1.0.0", _h.HostLocal(subnets, routes), ",\"bridge\":\"cbtbr40\",\"isDefaultGateway\":true");

    private ProcessResult Run(string verb, string conf) => _h.Run(Binaries.Applet("bridge"), verb, conf, _c.Path);

    private static string[] Routes(JsonElement result) =>
        result.GetProperty("routes").EnumerateArray().Select(r => $"{r.GetProperty("dst").GetString()} via {r.GetProperty("gw").GetString()}").ToArray();

    private string[] DefaultRoutes(string family) =>
        _c.IpIn(family, "route", "show", "default").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();

    [TestCase("[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]", TestName = "IpamDefaultRoutesWithoutGwAreTheBridgeDefaultRoute")]
    [TestCase("[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.199.40.1\"},{\"dst\":\"::/0\",\"gw\":\"fd99:40::1\"}]", TestName = "IpamDefaultRoutesViaTheBridgeGatewayAreTheBridgeDefaultRoute")]
    [TestCase("[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.199.40.1\"},{\"dst\":\"::/0\"}]", TestName = "TheSameDefaultRouteTwiceIsAddedOnce")]
    public void OneDefaultRoutePerFamily(string routes)
    {
        var conf = Conf("10.199.40.0/24 fd99:40::/64", routes);
        var result = CniAssert.Success(Run("ADD", conf));
        Assert.That(Routes(result), Is.EqualTo(new[] { "0.0.0.0/0 via 10.199.40.1", "::/0 via fd99:40::1" }), "listed once, gateway written out");
        Assert.That(DefaultRoutes("-4"), Is.EqualTo(new[] { "default via 10.199.40.1 dev eth0" }));
        Assert.That(DefaultRoutes("-6").Single(), Does.StartWith("default via fd99:40::1 dev eth0"));
        Assert.That(NetHarness.Ping(_c, "10.199.40.1"), Is.True);

        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }

    [TestCase("10.199.41.0/24", "[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.199.41.254\"}]", "0.0.0.0/0 via the bridge gateway 10.199.41.1, but IPAM routes it via 10.199.41.254")]
    [TestCase("fd99:41::/64", "[{\"dst\":\"::/0\",\"gw\":\"fd99:41::fe\"}]", "::/0 via the bridge gateway fd99:41::1, but IPAM routes it via fd99:41::fe")]
    public void ADefaultRouteViaAnotherGatewayIsRefusedAndRolledBack(string subnet, string routes, string message)
    {
        var msg = CniAssert.Error(Run("ADD", Conf(subnet, routes)), 7);
        Assert.That(msg, Does.Contain(message));
        Assert.That(NetHarness.Links(_c), Is.Empty, "no veth left in the container");
        Assert.That(_h.AllocatedIps(), Is.Empty, "the IP was released");
    }
}
