using System.Text;
using CniBox.Applets.Sbr;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Sbr;

/// <summary>sbr's keys (upstream's table, gateways, addSourceHints) and refusals, without root.</summary>
public class SbrConfigTests
{
    private static SbrConfig Parse(string keys) =>
        SbrConfig.Parse(Encoding.UTF8.GetBytes(("{'cniVersion':'1.0.0','name':'mynet','type':'sbr'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"')));

    [Test]
    public void Defaults()
    {
        var c = Parse("");
        Assert.That((c.Table, c.GatewayV4, c.GatewayV6, c.AddSourceHints), Is.EqualTo(((uint?)null, (System.Net.IPAddress?)null, (System.Net.IPAddress?)null, false)));
    }

    [Test]
    public void EveryKey()
    {
        var c = Parse("'table':150,'gateways':['10.199.217.254','fd99:0:217::fe'],'addSourceHints':true");
        Assert.That((c.Table, c.GatewayV4!.ToString(), c.GatewayV6!.ToString(), c.AddSourceHints),
            Is.EqualTo(((uint?)150, "10.199.217.254", "fd99:0:217::fe", true)));
        Assert.That(c.GatewayFor(System.Net.Sockets.AddressFamily.InterNetworkV6)!.ToString(), Is.EqualTo("fd99:0:217::fe"));
    }

    [TestCase("'gateways':['10.0.0.1','10.0.0.2']", ErrorCode.InvalidNetworkConfig, "only one IPv4 gateway may be given in \"gateways\"")]
    [TestCase("'gateways':['fd99::1','fd99::2']", ErrorCode.InvalidNetworkConfig, "only one IPv6 gateway may be given in \"gateways\"")]
    [TestCase("'gateways':['gw.example']", ErrorCode.InvalidNetworkConfig, "invalid gateway \"gw.example\": not an IP address")]
    [TestCase("'gateways':['10']", ErrorCode.InvalidNetworkConfig, "invalid gateway \"10\": not an IP address", Description = ".NET's inet_aton form, refused by Go's net.ParseIP")]
    [TestCase("'gateways':['010.0.0.1']", ErrorCode.InvalidNetworkConfig, "invalid gateway \"010.0.0.1\": not an IP address")]
    [TestCase("'gateways':['fe80::1%eth0']", ErrorCode.InvalidNetworkConfig, "invalid gateway \"fe80::1%eth0\": not an IP address")]
    [TestCase("'table':-1", ErrorCode.InvalidNetworkConfig, "invalid table -1: must not be negative")]
    [TestCase("'table':'100'", ErrorCode.DecodingFailure, "failed to parse network configuration: json: cannot unmarshal string into Go struct field NetConf.table of type int")]
    [TestCase("'addSourceHints':1", ErrorCode.DecodingFailure, "failed to parse network configuration: json: cannot unmarshal number into Go struct field NetConf.addSourceHints of type bool")]
    public void Refusals(string keys, int code, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((code, message)));
    }
}
