using CniBox.Tests.Support;

namespace CniBox.Tests.Differential;

/// <summary>
/// Deliberate differences from Debian's Go bridge (1.1.1) when isDefaultGateway meets an IPAM default route
/// (our side in detail: Integration/Applets/Bridge/BridgeDefaultRouteTests).
/// </summary>
[Category("root")]
[Category("differential")]
public class BridgeDefaultRouteDifferentialTests
{
    private static string Conf(PluginSide side, string routes) =>
        NetHarness.Conf("bridge", "1.0.0", side.Net.HostLocal("10.199.42.0/24", routes), ",\"bridge\":\"cbtdiff2\",\"isDefaultGateway\":true");

    [Test]
    public void TheTutorialConfigFailsInGoAndWorksHere()
    {
        // calcGateways only counts IPAM default routes that have a gw, so Go adds a second copy of this one.
        using var twins = new GoAndOurs("bridge");
        const string routes = "[{\"dst\":\"0.0.0.0/0\"}]";
        Assert.That(CniAssert.Error(twins.Go.Run("ADD", Conf(twins.Go, routes)), 999), Does.EndWith("file exists"));
        var ours = CniAssert.Success(twins.Ours.Run("ADD", Conf(twins.Ours, routes)));
        var route = ours.GetProperty("routes").EnumerateArray().Single();
        Assert.That((route.GetProperty("dst").GetString(), route.GetProperty("gw").GetString()), Is.EqualTo(("0.0.0.0/0", "10.199.42.1")));
        Assert.That(twins.Ours.Container.IpIn("route", "show", "default").Trim(), Is.EqualTo("default via 10.199.42.1 dev eth0"));
    }

    [Test]
    public void ADefaultRouteViaAnotherGatewayIsSilentlyIpamsInGoAndRefusedHere()
    {
        using var twins = new GoAndOurs("bridge");
        const string routes = "[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.199.42.254\"}]";
        CniAssert.Success(twins.Go.Run("ADD", Conf(twins.Go, routes)));
        Assert.That(twins.Go.Container.IpIn("route", "show", "default").Trim(), Is.EqualTo("default via 10.199.42.254 dev eth0"));
        Assert.That(CniAssert.Error(twins.Ours.Run("ADD", Conf(twins.Ours, routes)), 7),
            Does.Contain("via the bridge gateway 10.199.42.1, but IPAM routes it via 10.199.42.254"));
    }
}
