using System.Text;
using CniBox.Applets.Bridge;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Bridge;

/// <summary>
/// bridge's keys, defaults and refusals, without root. Texts are Go's; codes are the spec's where cnibox is more
/// precise than Go's blanket 999 (6 for a shape error, 7 for a config the plugin refuses).
/// </summary>
public class BridgeConfigTests
{
    private static BridgeConfig Parse(string keys, string cniArgs = "") =>
        BridgeConfig.Parse(Encoding.UTF8.GetBytes(Conf(keys)), cniArgs);

    private static string Conf(string keys) =>
        ("{'cniVersion':'1.0.0','name':'mynet','type':'bridge'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"');

    private static (int, string) Fails(string keys, string cniArgs = "")
    {
        var e = Assert.Throws<CniException>(() => Parse(keys, cniArgs))!;
        return (e.Code, e.Msg);
    }

    [Test]
    public void Defaults()
    {
        var c = Parse("");
        Assert.That((c.BridgeName, c.IsGateway, c.IsDefaultGateway, c.ActsAsGateway, c.ForceAddress, c.Mtu, c.HairpinMode, c.PromiscMode),
            Is.EqualTo(("cni0", false, false, false, false, 0, false, false)));
        Assert.That((c.Vlan, c.TrunkVlans.Count, c.HasVlanTrunk, c.WantsVlanFiltering, c.PreserveDefaultVlan),
            Is.EqualTo((0, 0, false, false, true)));
        Assert.That((c.MacSpoofCheck, c.EnableDad, c.DisableContainerInterface, c.PortIsolation, c.IpMasq.Enabled, c.Mac),
            Is.EqualTo((false, false, false, false, false, (string?)null)));
        Assert.That((c.IsLayer3, c.IpamType, c.Config.NetworkName), Is.EqualTo((false, "", "mynet")));
    }

    [Test]
    public void EveryKey()
    {
        var c = Parse("'bridge':'br9','isGateway':true,'forceAddress':true,'mtu':1400,'hairpinMode':true,'vlan':7," +
            "'preserveDefaultVlan':false,'macspoofchk':true,'enabledad':true,'portIsolation':true,'ipMasq':true," +
            "'ipMasqBackend':'nftables','ipam':{'type':'host-local'}");
        Assert.That((c.BridgeName, c.IsGateway, c.ForceAddress, c.Mtu, c.HairpinMode, c.Vlan, c.PreserveDefaultVlan),
            Is.EqualTo(("br9", true, true, 1400, true, 7, false)));
        Assert.That((c.MacSpoofCheck, c.EnableDad, c.PortIsolation, c.IpMasq, c.IsLayer3, c.IpamType, c.WantsVlanFiltering),
            Is.EqualTo((true, true, true, new CniBox.Applets.Common.IpMasqConfig(true, "nftables"), true, "host-local", true)));
        var l2 = Parse("'promiscMode':true,'disableContainerInterface':true,'isDefaultGateway':true");
        Assert.That((l2.PromiscMode, l2.DisableContainerInterface, l2.IsDefaultGateway, l2.ActsAsGateway), Is.EqualTo((true, true, true, true)));
    }

    [Test]
    public void KeysMatchCaseInsensitivelyAsInGo() =>
        Assert.That(Parse("'Bridge':'br1','MTU':1300").BridgeName + Parse("'MTU':1300").Mtu, Is.EqualTo("br11300"));

    [Test]
    public void TrunkRangesAndIdsAreSortedAndDistinct()
    {
        var c = Parse("'vlanTrunk':[{'minID':3,'maxID':5},{'id':4},{'id':10},null]");
        Assert.That(c.TrunkVlans, Is.EqualTo(new[] { 3, 4, 5, 10 }));
        Assert.That((c.HasVlanTrunk, c.WantsVlanFiltering), Is.EqualTo((true, true)));
        var empty = Parse("'vlanTrunk':[]");
        Assert.That((empty.TrunkVlans.Count, empty.HasVlanTrunk, empty.WantsVlanFiltering), Is.EqualTo((0, true, true)));
    }

    [TestCase("'runtimeConfig':{'mac':'02:00:00:00:00:01'},'args':{'cni':{'mac':'02:00:00:00:00:02'}}", "MAC=02:00:00:00:00:03", "02:00:00:00:00:01")]
    [TestCase("'args':{'cni':{'mac':'02:00:00:00:00:02'}}", "MAC=02:00:00:00:00:03", "02:00:00:00:00:02")]
    [TestCase("'runtimeConfig':{'mac':''}", "MAC=02:00:00:00:00:03", "02:00:00:00:00:03")]
    [TestCase("", "IgnoreUnknown=1;MAC=02:00:00:00:00:03;X=1", "02:00:00:00:00:03")]
    public void TheContainerMacComesFromRuntimeConfigThenArgsThenCniArgs(string keys, string cniArgs, string mac) =>
        Assert.That(Parse(keys, cniArgs).Mac, Is.EqualTo(mac));

    [TestCase("'vlan':-1", "", ErrorCode.InvalidNetworkConfig, "invalid VLAN ID -1 (must be between 0 and 4094)")]
    [TestCase("'vlan':4095", "", ErrorCode.InvalidNetworkConfig, "invalid VLAN ID 4095 (must be between 0 and 4094)")]
    [TestCase("'vlan':5,'vlanTrunk':[{'id':6}]", "", ErrorCode.InvalidNetworkConfig, "cannot set vlan and vlanTrunk at the same time")]
    [TestCase("'vlanTrunk':[{'minID':0,'maxID':5}]", "", ErrorCode.InvalidNetworkConfig, "incorrect trunk minID parameter")]
    [TestCase("'vlanTrunk':[{'minID':5,'maxID':5000}]", "", ErrorCode.InvalidNetworkConfig, "incorrect trunk maxID parameter")]
    [TestCase("'vlanTrunk':[{'minID':10,'maxID':5}]", "", ErrorCode.InvalidNetworkConfig, "minID is greater than maxID in trunk parameter")]
    [TestCase("'vlanTrunk':[{'minID':5}]", "", ErrorCode.InvalidNetworkConfig, "minID and maxID should be configured simultaneously, maxID is missing")]
    [TestCase("'vlanTrunk':[{'maxID':5}]", "", ErrorCode.InvalidNetworkConfig, "minID and maxID should be configured simultaneously, minID is missing")]
    [TestCase("'vlanTrunk':[{'id':0}]", "", ErrorCode.InvalidNetworkConfig, "incorrect trunk id parameter")]
    [TestCase("'vlanTrunk':[{'id':4095}]", "", ErrorCode.InvalidNetworkConfig, "incorrect trunk id parameter")]
    [TestCase("'isGateway':'yes'", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.isGateway of type bool")]
    [TestCase("'mtu':'x'", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.mtu of type int")]
    [TestCase("'args':{'cni':{'mac':5}}", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field BridgeArgs.args.cni.mac of type string")]
    [TestCase("'runtimeConfig':{'mac':5}", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field .runtimeConfig.mac of type string")]
    [TestCase("'runtimeConfig':5", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.runtimeConfig of type struct { Mac string \"json:\\\"mac,omitempty\\\"\" }")]
    [TestCase("'args':5", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.args of type struct { Cni main.BridgeArgs \"json:\\\"cni,omitempty\\\"\" }")]
    [TestCase("'args':{'cni':5}", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field .args.cni of type main.BridgeArgs")]
    [TestCase("", "FOO=1", ErrorCode.Internal, "ARGS: unknown args [\"FOO=1\"]")]
    [TestCase("'runtimeConfig':{'mac':'zz'}", "", ErrorCode.InvalidNetworkConfig, "invalid MAC address \"zz\" for the container interface")]
    [TestCase("", "MAC=zz", ErrorCode.InvalidNetworkConfig, "invalid MAC address \"zz\" for the container interface")]
    [TestCase("'bridge':''", "", ErrorCode.InvalidNetworkConfig, "\"bridge\" must name a bridge (it is empty)")]
    [TestCase("'ipMasq':true,'ipMasqBackend':'ipfw'", "", ErrorCode.InvalidNetworkConfig, "ipMasqBackend must be either \"iptables\" or \"nftables\", not \"ipfw\"")]
    public void Refusals(string keys, string cniArgs, int code, string message) =>
        Assert.That(Fails(keys, cniArgs), Is.EqualTo((code, message)));

    [Test]
    public void CniArgsAreCheckedEvenWhenTheJsonNamesTheMac() =>
        Assert.That(Fails("'runtimeConfig':{'mac':'02:00:00:00:00:01'}", "FOO=1"), Is.EqualTo((ErrorCode.Internal, "ARGS: unknown args [\"FOO=1\"]")));

    [TestCase("'ipam':{'type':'host-local'},'disableContainerInterface':true", "cannot use IPAM when DisableContainerInterface flag is set")]
    [TestCase("'hairpinMode':true,'promiscMode':true", "cannot set hairpin mode and promiscuous mode at the same time.")]
    public void AddOnlyRulesLetTheOtherVerbsParse(string keys, string message)
    {
        var c = Parse(keys);
        var e = Assert.Throws<CniException>(c.ValidateForAdd)!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.InvalidNetworkConfig, message)));
    }
}
