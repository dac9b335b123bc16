using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Ptp;

/// <summary>
/// ptp CHECK after ADD, then after one thing the result promised was broken on purpose: ours must fail with
/// code 999 and a message naming the problem, and Debian's Go ptp (run the same way in its own namespaces) must
/// fail too. The messages differ in how Go prints its structs.
/// </summary>
[Category("root")]
[Category("differential")]
public class PtpCheckTests
{
    private const string Routes = "[{\"dst\":\"10.199.171.0/24\",\"gw\":\"10.199.163.1\"},{\"dst\":\"fd99:0:ab::/64\",\"gw\":\"fd99:0:a3::1\"}]";

    private static string Conf(PluginSide side) =>
        NetHarness.Conf("ptp", "1.0.0", side.Net.HostLocal("10.199.163.0/24 fd99:0:a3::/64", Routes));

    private static TestCaseData Case(string name, Action<PluginSide, JsonElement> breakIt, string message) =>
        new TestCaseData(breakIt, message).SetName($"CheckFailsInBothAfter({name})");

    public static IEnumerable<TestCaseData> Breakages()
    {
        yield return Case("Ipv4AddressRemoved", (side, _) => side.Container.IpIn("addr", "del", "10.199.163.2/24", "dev", "eth0"),
            "Failed to match addr 10.199.163.2/24 on interface eth0");
        yield return Case("Ipv6AddressRemoved", (side, _) => side.Container.IpIn("addr", "del", "fd99:0:a3::2/64", "dev", "eth0"),
            "Failed to match addr fd99:0:a3::2/64 on interface eth0");
        yield return Case("Ipv4RouteRemoved", (side, _) => side.Container.IpIn("route", "del", "10.199.171.0/24"),
            "Expected Route {Dst:10.199.171.0/24 GW:10.199.163.1} not found in routing table");
        yield return Case("Ipv6RouteRemoved", (side, _) => side.Container.IpIn("-6", "route", "del", "fd99:0:ab::/64"),
            "Expected Route {Dst:fd99:0:ab::/64 GW:fd99:0:a3::1} not found in routing table");
        yield return Case("SubnetRouteRemoved", (side, _) => side.Container.IpIn("route", "del", "10.199.163.0/24"),
            "Failed to find Gateway 10.199.163.1 for interface eth0");
        yield return Case("ContainerMacChanged", (side, _) => side.Container.IpIn("link", "set", "eth0", "address", "0a:58:0a:c7:a3:63"),
            "ptp: Interface eth0 Mac MAC doesn't match container Mac: 0a:58:0a:c7:a3:63");
    }

    [TestCaseSource(nameof(Breakages))]
    public void CheckFailsInBothAfter(Action<PluginSide, JsonElement> breakIt, string message)
    {
        using var twins = new GoAndOurs("ptp");
        var runs = twins.CheckBeforeAndAfter(Conf, breakIt);
        var (go, ours) = (runs[0], runs[1]);
        // The result routes carry gateways: Go 1.1.1 fails CHECK on gateway-less ones (see PtpDifferentialTests).
        CniAssert.SilentSuccess(go.Healthy);
        CniAssert.SilentSuccess(ours.Healthy);
        var ourMessage = CniAssert.Error(ours.Broken, 999);
        Assert.That(NetnsSnapshot.MaskMacs(ourMessage, ["0a:58:0a:c7:a3:63"]), Is.EqualTo(message));
        CniAssert.Error(go.Broken, 999);
    }

    /// <summary>ptp's CHECK looks only into the container: a host veth moved elsewhere goes unnoticed by both.</summary>
    [Test]
    public void HostVethMovedAwayGoesUnnoticedByBoth()
    {
        using var twins = new GoAndOurs("ptp");
        var runs = twins.CheckBeforeAndAfter(Conf, (side, result) =>
        {
            var elsewhere = side.Net.Container(side.Label + "x");
            side.Net.Host.IpIn("link", "set", result.GetProperty("interfaces")[0].GetProperty("name").GetString()!, "netns", elsewhere.Name);
        });
        Assert.That(runs.Select(r => r.Broken.ExitCode), Is.EqualTo(new[] { 0, 0 }), string.Join("\n", runs.Select(r => r.Broken.Stdout)));
    }
}
