using System.Text;
using CniBox.Applets.Tap;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Tap;

/// <summary>tap's keys as upstream 1.9.1 reads them (Go 1.1.1 has no tap), the MAC's precedence, and refusals.</summary>
public class TapConfigTests
{
    private static TapConfig Parse(string keys, string cniArgs = "") =>
        TapConfig.Parse(Encoding.UTF8.GetBytes(("{'cniVersion':'1.0.0','name':'mynet','type':'tap'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"')), cniArgs);

    [Test]
    public void Defaults()
    {
        var c = Parse("");
        Assert.That((c.Mac, c.Mtu, c.MultiQueue, c.Owner, c.Group, c.SelinuxContext, c.Bridge, c.IpamType),
            Is.EqualTo(("", 0, false, (uint?)null, (uint?)null, "", "", "")));
    }

    [Test]
    public void EveryKeyAndGosCaseInsensitiveNames()
    {
        var c = Parse("'mac':'02:00:00:19:d7:02','mtu':1400,'multiqueue':true,'owner':1000,'group':1001,'selinuxcontext':'system_u:system_r:container_t:s0','bridge':'br0'");
        Assert.That((c.Mac, c.Mtu, c.MultiQueue, c.Owner, c.Group, c.SelinuxContext, c.Bridge),
            Is.EqualTo(("02:00:00:19:d7:02", 1400, true, (uint?)1000, (uint?)1001, "system_u:system_r:container_t:s0", "br0")));
    }

    [Test]
    public void CniArgsMacBeatsTheConfigsAndRuntimeConfigBeatsBoth()
    {
        Assert.That(Parse("'mac':'02:00:00:00:00:01'", "MAC=02:00:00:00:00:02").Mac, Is.EqualTo("02:00:00:00:00:02"));
        Assert.That(Parse("'mac':'02:00:00:00:00:01','runtimeConfig':{'mac':'02:00:00:00:00:03'}", "MAC=02:00:00:00:00:02").Mac,
            Is.EqualTo("02:00:00:00:00:03"));
    }

    [TestCase("'mac':'nope'", "", ErrorCode.InvalidNetworkConfig, "invalid args nope for MAC addr: address nope: invalid MAC address")]
    [TestCase("'mtu':-5", "", ErrorCode.InvalidNetworkConfig, "invalid MTU -5")]
    [TestCase("'mtu':'x'", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.mtu of type int")]
    [TestCase("'multiQueue':'yes'", "", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.multiQueue of type bool")]
    [TestCase("'runtimeConfig':'x'", "", ErrorCode.DecodingFailure,
        "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.runtimeConfig of type struct { Mac string \"json:\\\"mac,omitempty\\\"\" }")]
    [TestCase("", "FOO=bar", ErrorCode.Internal, "ARGS: unknown args [\"FOO=bar\"]")]
    public void Refusals(string keys, string cniArgs, int code, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys, cniArgs))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((code, message)));
    }

    [Test]
    public void ANegativeOwnerIsADecodingError()
    {
        var e = Assert.Throws<CniException>(() => Parse("'owner':-1"))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.DecodingFailure,
            "failed to load netconf: json: cannot unmarshal number -1 into Go struct field NetConf.owner of type uint32")));
    }
}
