using System.Net.NetworkInformation;
using System.Text;
using System.Text.Json;
using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Netfilter;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Netfilter;

/// <summary>
/// Debian's Go bridge (containernetworking-plugins 1.1.1) run with <c>ip netns exec</c> inside a host-like cbt-nft-*
/// namespace: what it creates we remove, and the other way round.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class GoBridgeInteropTests
{
    private const string GoBridge = "/usr/lib/cni/bridge";

    [SetUp]
    public void SetUp()
    {
        TestNetns.RequireRoot();
        Assume.That(File.Exists(GoBridge), $"{GoBridge} (Debian containernetworking-plugins) is not installed");
    }

    [Test]
    public void MacspoofchkRulesOfTheGoBridgeAreRemovedByOursAndOursByTheGoBridge()
    {
        using var host = new NftTestNetns();
        using var container = new TestNetns("nft");

        // Go ADD; our listing finds its layout; our teardown leaves what Go's own DEL leaves.
        JsonElement result = GoBridgeCall(host, container, "ADD", "gocid");
        JsonElement[] interfaces = [.. result.GetProperty("interfaces").EnumerateArray()];
        string hostVeth = interfaces[1].GetProperty("name").GetString()!;
        string mac = interfaces[2].GetProperty("mac").GetString()!;
        string goRuleset = host.Ruleset();
        Assert.That(host.Nft.ListRules(NftFamily.Bridge, "nat", "PREROUTING").Single().Comment, Is.EqualTo(MacSpoofCheck.Comment("gocid", "eth0")));
        MacSpoofCheck.Teardown(host.Nft, "gocid", "eth0");
        Assert.That(host.Nft.ListChains(NftFamily.Bridge, "nat").Select(c => c.Name), Is.EqualTo(new[] { "PREROUTING" }));
        Assert.That(host.Nft.ListRules(NftFamily.Bridge, "nat", "PREROUTING"), Is.Empty);

        // Ours for the same attachment is the same ruleset text as Go's.
        MacSpoofCheck.Setup(host.Nft, hostVeth, PhysicalAddress.Parse(mac), "gocid", "eth0");
        Assert.That(host.Ruleset(), Is.EqualTo(goRuleset));

        // Go DEL removes what we set up.
        GoBridgeCall(host, container, "DEL", "gocid");
        Assert.That(host.Nft.ListChains(NftFamily.Bridge, "nat").Select(c => c.Name), Is.EqualTo(new[] { "PREROUTING" }));
        Assert.That(host.Nft.ListRules(NftFamily.Bridge, "nat", "PREROUTING"), Is.Empty);
    }

    private static JsonElement GoBridgeCall(NftTestNetns host, TestNetns container, string command, string containerId)
    {
        const string conf = """{"cniVersion":"0.4.0","name":"gonet","type":"bridge","bridge":"cbtbr0","macspoofchk":true,"ipam":{}}""";
        string stdout = NftTestNetns.Run("ip",
            ["netns", "exec", host.Name, "env", $"CNI_COMMAND={command}", $"CNI_CONTAINERID={containerId}",
             $"CNI_NETNS={container.Path}", "CNI_IFNAME=eth0", "CNI_PATH=/usr/lib/cni", GoBridge], conf);
        return command == "ADD" ? JsonDocument.Parse(stdout).RootElement.Clone() : default;
    }
}
