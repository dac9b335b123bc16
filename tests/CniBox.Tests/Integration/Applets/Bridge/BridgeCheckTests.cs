using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Bridge;

/// <summary>
/// bridge CHECK after ADD, then after one thing the result promised was broken on purpose: ours must fail with
/// code 999 and a message naming the problem, and Debian's Go bridge (run the same way in its own namespaces)
/// must fail too. The messages differ in how Go prints its structs.
/// </summary>
[Category("root")]
[Category("differential")]
public class BridgeCheckTests
{
    private const string Bridge = "cbtchk0";
    private const string Subnet = "10.199.162.0/24";
    private const string Routes = "[{\"dst\":\"10.199.170.0/24\",\"gw\":\"10.199.162.1\"}]";

    private static string Conf(PluginSide side) =>
        NetHarness.Conf("bridge", "1.0.0", side.Net.HostLocal(Subnet, Routes), $",\"bridge\":\"{Bridge}\",\"isGateway\":true");

    private static string HostVeth(JsonElement result) => result.GetProperty("interfaces")[1].GetProperty("name").GetString()!;

    private static TestCaseData Case(string name, Action<PluginSide, JsonElement> breakIt, string message) =>
        new TestCaseData(breakIt, message).SetName($"CheckFailsInBothAfter({name})");

    public static IEnumerable<TestCaseData> Breakages()
    {
        yield return Case("RouteRemoved", (side, _) => side.Container.IpIn("route", "del", "10.199.170.0/24"),
            "Expected Route {Dst:10.199.170.0/24 GW:10.199.162.1} not found in routing table");
        yield return Case("AddressRemoved", (side, _) => side.Container.IpIn("addr", "del", "10.199.162.2/24", "dev", "eth0"),
            "Failed to match addr 10.199.162.2/24 on interface eth0");
        yield return Case("HostVethMovedToAnotherNetns", (side, result) =>
            {
                var elsewhere = side.Net.Container(side.Label + "x");
                side.Net.Host.IpIn("link", "set", HostVeth(result), "netns", elsewhere.Name);
            },
            "Interface name VETH not found");
        yield return Case("HostVethDetachedFromTheBridge", (side, result) => side.Net.Host.IpIn("link", "set", HostVeth(result), "nomaster"),
            $"CNI veth created for bridge {Bridge} was not found");
        yield return Case("BridgeMadePromiscuous", (side, _) => side.Net.Host.IpIn("link", "set", Bridge, "promisc", "on"),
            $"Bridge interface {Bridge} configured Promisc Mode false doesn't match current state: true ");
        yield return Case("ContainerMacChanged", (side, _) => side.Container.IpIn("link", "set", "eth0", "address", "0a:58:0a:c7:a2:63"),
            "Interface eth0 Mac MAC doesn't match container Mac: 0a:58:0a:c7:a2:63");
    }

    [TestCaseSource(nameof(Breakages))]
    public void CheckFailsInBothAfter(Action<PluginSide, JsonElement> breakIt, string message)
    {
        using var twins = new GoAndOurs("bridge");
        var runs = twins.CheckBeforeAndAfter(Conf, breakIt);
        var (go, ours) = (runs[0], runs[1]);
        CniAssert.SilentSuccess(go.Healthy);
        CniAssert.SilentSuccess(ours.Healthy);
        var ourMessage = CniAssert.Error(ours.Broken, 999);
        Assert.That(NetnsSnapshot.MaskMacs(NetnsSnapshot.MaskNames(ourMessage), ["0a:58:0a:c7:a2:63"]), Is.EqualTo(message));
        CniAssert.Error(go.Broken, 999);
    }

    /// <summary>A repaired route makes CHECK pass again in both: CHECK reads the kernel afresh each time.</summary>
    [Test]
    public void CheckPassesAgainOnceTheRouteIsBack()
    {
        using var twins = new GoAndOurs("bridge");
        var runs = twins.CheckBeforeAndAfter(Conf, (side, _) =>
        {
            side.Container.IpIn("route", "del", "10.199.170.0/24");
            side.Container.IpIn("route", "add", "10.199.170.0/24", "via", "10.199.162.1");
        });
        Assert.That(runs.Select(r => r.Broken.ExitCode), Is.EqualTo(new[] { 0, 0 }), string.Join("\n", runs.Select(r => r.Broken.Stdout)));
    }
}
