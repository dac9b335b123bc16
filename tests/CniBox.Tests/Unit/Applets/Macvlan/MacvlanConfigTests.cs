using System.Text;
using CniBox.Applets.Macvlan;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Macvlan;

/// <summary>macvlan's keys, defaults, the MAC's three sources and Go's refusals, without root.</summary>
public class MacvlanConfigTests
{
    private static MacvlanConfig Parse(string keys, string cniArgs = "") =>
        MacvlanConfig.Parse(Encoding.UTF8.GetBytes(Conf(keys)), cniArgs);

    private static string Conf(string keys) =>
        ("{'cniVersion':'1.0.0','name':'mynet','type':'macvlan'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"');

    [Test]
    public void DefaultsAreTheDefaultRouteMasterBridgeModeAndL2Only()
    {
        var c = Parse("");
        Assert.That((c.Master, c.Mode, c.Mtu, c.Mac, c.BroadcastQueueLength, c.LinkInContainer, c.IsLayer3),
            Is.EqualTo(("", "bridge", 0, (string?)null, (uint?)null, false, false)));
    }

    [Test]
    public void EveryKey()
    {
        var c = Parse("'master':'cbtmv0','mode':'passthru','mtu':1400,'mac':'02:00:00:00:00:01','bcqueuelen':2000,'linkInContainer':true," +
            "'ipam':{'type':'host-local'}");
        Assert.That((c.Master, c.Mode, c.Mtu, c.Mac, c.BroadcastQueueLength, c.LinkInContainer, c.IsLayer3),
            Is.EqualTo(("cbtmv0", "passthru", 1400, "02:00:00:00:00:01", (uint?)2000, true, true)));
    }

    [Test]
    public void AnEmptyMasterAsPodmanSendsItMeansTheDefaultRouteInterface() =>
        Assert.That(Parse("'master':'','mode':''").Master, Is.EqualTo(""));

    [Test]
    public void CniArgsMacOverridesTheConfigAndRuntimeConfigOverridesBoth()
    {
        Assert.That(Parse("'mac':'02:00:00:00:00:01'", "MAC=02:00:00:00:00:02").Mac, Is.EqualTo("02:00:00:00:00:02"));
        Assert.That(Parse("'mac':'02:00:00:00:00:01','runtimeConfig':{'mac':'02:00:00:00:00:03'}", "MAC=02:00:00:00:00:02").Mac,
            Is.EqualTo("02:00:00:00:00:03"));
        Assert.That(Parse("'mac':'02:00:00:00:00:01'", "IgnoreUnknown=1;K8S_POD_NAME=x").Mac, Is.EqualTo("02:00:00:00:00:01"));
    }

    [Test]
    public void MacsAreCheckedAsGoParsesThem()
    {
        Assert.That(Parse("'mac':'02-00-00-00-00-0A'").ValidatedMac(), Is.EqualTo("02:00:00:00:00:0a"));
        var e = Assert.Throws<CniException>(() => Parse("'mac':'02:00:00:00:00'").ValidatedMac())!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((999, "invalid args 02:00:00:00:00 for MAC addr: address 02:00:00:00:00: invalid MAC address")));
    }

    [TestCase("'mtu':'x'", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.mtu of type int")]
    [TestCase("'master':5", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.master of type string")]
    [TestCase("'linkInContainer':'yes'", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.linkInContainer of type bool")]
    [TestCase("", "FOO=bar", ErrorCode.Internal, "ARGS: unknown args [\"FOO=bar\"]")]
    public void Refusals(string keys, string cniArgs, int code, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys, cniArgs))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((code, message)));
    }
}
