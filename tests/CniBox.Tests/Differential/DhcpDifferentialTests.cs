using System.Text.Json;
using CniBox.Tests.Support;
using CniBox.Tests.Support.Dhcp;

namespace CniBox.Tests.Differential;

/// <summary>
/// macvlan + dhcp through Debian's Go plugins and Go's daemon (1.1.1) and through ours, against the same dnsmasq:
/// the same address family and subnet, gateway, routes and kernel state in the container. Where they differ, on
/// purpose: ours adds DNS from options 6/15/119 (Go's dhcp returns none; macvlan drops IPAM's DNS in both, so the
/// macvlan results match). Both release on macvlan's DEL against this dnsmasq (2.90); Go's bridge deletes the link before IPAM DEL (upstream #791),
/// which ours does (DhcpLeaseTests). Go's protocol is net/rpc, so each side uses its own daemon.
/// </summary>
[Category("root")]
[Category("differential")]
[NonParallelizable]
public sealed class DhcpDifferentialTests
{
    [Test]
    public void MacvlanWithDhcpGivesTheSameResultThroughEitherDaemon()
    {
        Binaries.RequireGoPlugin("dhcp");
        using var lab = new DhcpLab(extraOptions: ["no-ping"]);
        using var ours = lab.StartDaemon();
        using var go = lab.StartDaemon(go: true, "-timeout", "5s");
        var ourC = lab.Node.Container("dh-do");
        var goC = lab.Node.Container("dh-dg");
        var ourConf = lab.MacvlanConf(ours.SocketPath);
        var goConf = lab.MacvlanConf(go.SocketPath);

        var ourResult = CniAssert.Success(lab.Node.Run(Binaries.Applet("macvlan"), "ADD", ourConf, ourC.Path, "cbt-dh-do"));
        var goResult = CniAssert.Success(lab.Node.Run(Binaries.GoPlugin("macvlan"), "ADD", goConf, goC.Path, "cbt-dh-dg", goPath: true));

        Assert.That(Masked(ourResult, ourC), Is.EqualTo(Masked(goResult, goC)));
        Assert.That(Routes(ourC), Is.EqualTo(Routes(goC)));
        var ourIp = Ip(ourResult);
        var goIp = Ip(goResult);
        Assert.That(lab.Dnsmasq.LeaseOf(ourIp)![4], Is.EqualTo(lab.Dnsmasq.LeaseOf(goIp)![4].Replace(ClientIdHex("cbt-dh-dg"), ClientIdHex("cbt-dh-do"))),
            "the same client ID: type 0, then <container>/<network>/<ifname>");

        CniAssert.SilentSuccess(lab.Node.Run(Binaries.Applet("macvlan"), "DEL", ourConf, ourC.Path, "cbt-dh-do"));
        CniAssert.SilentSuccess(lab.Node.Run(Binaries.GoPlugin("macvlan"), "DEL", goConf, goC.Path, "cbt-dh-dg", goPath: true));
        Assert.That(lab.Dnsmasq.LeaseOf(ourIp), Is.Null, "ours is released");
        Assert.That(lab.Dnsmasq.LeaseOf(goIp), Is.Null, "Go's macvlan also runs IPAM DEL first, so its release gets out");
    }

    /// <summary>The result with the address's host part, the MAC and the sandbox masked: each container has its own.</summary>
    private static string Masked(JsonElement result, TestNetns container) =>
        System.Text.RegularExpressions.Regex.Replace(CniJson.Canonical(result.GetRawText())
                .Replace(container.Path, "SANDBOX"), "10\\.199\\.231\\.\\d+/24", "10.199.231.X/24")
            .Replace(result.GetProperty("interfaces")[0].GetProperty("mac").GetString()!, "MAC");

    private static string Routes(TestNetns container) =>
        System.Text.RegularExpressions.Regex.Replace(container.IpIn("-4", "route", "show"), "10\\.199\\.231\\.\\d+ ", "X ");

    private static string Ip(JsonElement result) => result.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];

    private static string ClientIdHex(string id) =>
        string.Join(':', System.Text.Encoding.ASCII.GetBytes(id).Select(b => b.ToString("x2")));
}
