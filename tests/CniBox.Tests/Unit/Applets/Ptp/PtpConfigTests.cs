using System.Text;
using CniBox.Applets.Common;
using CniBox.Applets.Ptp;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Ptp;

/// <summary>ptp's keys, defaults and refusals, without root (texts Go's; codes the spec's 6 and 7 where Go says 999).</summary>
public class PtpConfigTests
{
    private static PtpConfig Parse(string keys)
    {
        var cfg = PtpConfig.Parse(Encoding.UTF8.GetBytes(Conf(keys)));
        cfg.RequireIpam();
        return cfg;
    }

    private static string Conf(string keys) =>
        ("{'cniVersion':'1.0.0','name':'mynet','type':'ptp'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"');

    private const string Ipam = "'ipam':{'type':'host-local','subnet':'10.199.0.0/24'}";

    [Test]
    public void Defaults()
    {
        var c = Parse(Ipam);
        Assert.That((c.Mtu, c.IpMasq, c.IpamType, c.Config.NetworkName, c.Config.DnsOverride()),
            Is.EqualTo((0, new IpMasqConfig(false, null), "host-local", "mynet", (CniBox.Spec.Results.ResultDns?)null)));
    }

    [Test]
    public void EveryKey()
    {
        var c = Parse(Ipam + ",'mtu':1400,'ipMasq':true,'ipMasqBackend':'iptables','dns':{'nameservers':['10.199.0.53'],'search':['a.b']}");
        Assert.That((c.Mtu, c.IpMasq, c.IpMasq.UsesIptables), Is.EqualTo((1400, new IpMasqConfig(true, "iptables"), true)));
        Assert.That(c.Config.DnsOverride()!.Nameservers, Is.EqualTo(new[] { "10.199.0.53" }));
        Assert.That(c.Config.DnsOverride()!.Search, Is.EqualTo(new[] { "a.b" }));
    }

    [TestCase("'dns':{}", false)]
    [TestCase("'dns':{'domain':''}", false)]
    [TestCase("'dns':{'domain':'x'}", true)]
    [TestCase("'dns':{'nameservers':[]}", true)]
    [TestCase("'dns':{'options':[]}", true)]
    public void TheConfigsDnsReplacesTheIpamsWhenAnyPartIsSet(string dns, bool replaces) =>
        Assert.That(Parse(Ipam + "," + dns).Config.DnsOverride() is not null, Is.EqualTo(replaces));

    [TestCase("", ErrorCode.InvalidNetworkConfig, "ptp requires an \"ipam\" object with a \"type\" (IPAM config missing 'type' key)")]
    [TestCase("'ipam':{'subnet':'10.199.0.0/24'}", ErrorCode.InvalidNetworkConfig, "ptp requires an \"ipam\" object with a \"type\" (IPAM config missing 'type' key)")]
    [TestCase(Ipam + ",'mtu':'x'", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.mtu of type int")]
    [TestCase(Ipam + ",'ipMasq':'yes'", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.ipMasq of type bool")]
    [TestCase(Ipam + ",'ipMasqBackend':'ipfw'", ErrorCode.InvalidNetworkConfig, "ipMasqBackend must be either \"iptables\" or \"nftables\", not \"ipfw\"")]
    [TestCase("'ipam':5", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.ipam of type types.IPAM")]
    [TestCase(Ipam + ",'dns':{'nameservers':'x'}", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field DNS.dns.nameservers of type []string")]
    public void Refusals(string keys, int code, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((code, message)));
    }
}
