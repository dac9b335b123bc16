using System.Text;
using CniBox.Ipam.Static;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Ipam.Static;

/// <summary>static's config loading: sources and their precedence, Go's quirks, and Go's error texts.</summary>
public class StaticConfigTests
{
    private static StaticConfig Parse(string json, string? args = null) =>
        StaticConfig.Parse(Encoding.UTF8.GetBytes(json.Replace('\'', '"')), args);

    private static string Fails(string json, string? args = null)
    {
        var e = Assert.Throws<CniException>(() => Parse(json, args))!;
        // A JSON type mismatch is a decoding failure; every other error is Go's plain plugin error.
        var code = e.Msg.StartsWith("json: cannot unmarshal") ? ErrorCode.DecodingFailure : ErrorCode.Internal;
        Assert.That(e.Code, Is.EqualTo(code), e.Msg);
        return e.Msg;
    }

    private static string Net(string ipam, string extra = "", string version = "1.0.0") =>
        "{'cniVersion':'" + version + "','name':'net1'" + extra + ",'ipam':{'type':'static'" + (ipam == "" ? "" : "," + ipam) + "}}";

    /// <summary>"address gw|address gw" as the result would carry them.</summary>
    private static string Addresses(StaticConfig c) =>
        string.Join(" | ", c.Addresses.Select(a => a.Gateway is { } gw ? $"{a.Address} {gw}" : a.Address.ToString()));

    [TestCase("'addresses':[{'address':'10.10.0.1/24','gateway':'10.10.0.254'}]", "10.10.0.1/24 10.10.0.254")]
    [TestCase("'addresses':[{'address':'3ffe:ffff:0:01ff::1/64','gateway':'3ffe:ffff:0::1'}]", "3ffe:ffff:0:1ff::1/64 3ffe:ffff::1")]
    [TestCase("'addresses':[{'address':'10.10.0.1/24'},{'address':'2001:db8::5/64'}]", "10.10.0.1/24 | 2001:db8::5/64")]
    [TestCase("'addresses':[{'address':'::ffff:10.0.0.1/120'}]", "10.0.0.1/24")]
    [TestCase("'addresses':[{'address':'::ffff:10.0.0.1/64'}]", "10.0.0.1/0")]
    [TestCase("'addresses':[{'address':'10.0.0.1/024'}]", "10.0.0.1/24")]
    [TestCase("'addresses':[{'address':'10.0.0.1/24','gateway':''}]", "10.0.0.1/24")]
    [TestCase("'addresses':[{'address':'10.0.0.1/24','gateway':'::ffff:10.0.0.9'}]", "10.0.0.1/24 10.0.0.9")]
    [TestCase("'addresses':[{'ADDRESS':'10.0.0.1/24','Gateway':'192.168.1.1','version':'9'}]", "10.0.0.1/24 192.168.1.1")]
    [TestCase("'addresses':[{'address':'10.0.0.1/24','address':'10.0.0.2/24'}]", "10.0.0.2/24")]
    [TestCase("'addresses':[{'address':'10.0.0.1/24','Address':null}]", "10.0.0.1/24")]
    [TestCase("'addresses':null", "")]
    [TestCase("", "")]
    public void ConfigAddresses(string ipam, string expected) => Assert.That(Addresses(Parse(Net(ipam))), Is.EqualTo(expected));

    [TestCase("IP=10.10.0.1/24;GATEWAY=10.10.0.254", "", "10.10.0.1/24 10.10.0.254")]
    [TestCase("IP=10.10.0.1/24,11.11.0.1/24;GATEWAY=10.10.0.254", "", "10.10.0.1/24 10.10.0.254 | 11.11.0.1/24")]
    [TestCase("IP= 10.10.0.1/24 , 2001:db8::1/64;GATEWAY=2001:db8::ff, 10.10.0.9", "", "10.10.0.1/24 10.10.0.9 | 2001:db8::1/64 2001:db8::ff")]
    // GATEWAY reaches every IP= address containing it; the last matching gateway wins.
    [TestCase("IP=10.1.0.2/16,10.1.1.2/24;GATEWAY=10.1.1.1,10.1.2.1", "", "10.1.0.2/16 10.1.2.1 | 10.1.1.2/24 10.1.1.1")]
    // Go quirk: config addresses are still unparsed when GATEWAY is applied, so they never get it.
    [TestCase("IP=10.1.0.2/24;GATEWAY=10.0.0.9,10.1.0.1", "'addresses':[{'address':'10.0.0.1/24'}]", "10.0.0.1/24 | 10.1.0.2/24 10.1.0.1")]
    [TestCase("GATEWAY=10.0.0.9", "'addresses':[{'address':'10.0.0.1/24'}]", "10.0.0.1/24")]
    [TestCase("IP=10.1.0.2/24;GATEWAY=192.168.0.1", "", "10.1.0.2/24")]
    [TestCase("IP=;GATEWAY=", "'addresses':[{'address':'10.0.0.1/24'}]", "10.0.0.1/24")]
    [TestCase("IgnoreUnknown=1;FOO=bar;IP=10.1.0.2/24", "", "10.1.0.2/24")]
    [TestCase("IP=::ffff:10.1.0.1/64;GATEWAY= 10.9.9.9", "", "10.1.0.1/0 10.9.9.9")]
    public void CniArgsAppendAndAttachGateways(string cniArgs, string ipam, string expected) =>
        Assert.That(Addresses(Parse(Net(ipam), cniArgs)), Is.EqualTo(expected));

    [Test]
    public void ArgsCniIpsReplaceConfigAndCniArgs()
    {
        var c = Parse(Net("'addresses':[{'address':'10.0.0.1/24','gateway':'10.0.0.254'}]",
            ",'args':{'cni':{'ips':['10.10.0.2/24','3ffe:ffff:0:01ff::2/64']}}"), "IP=10.3.0.1/24;GATEWAY=10.3.0.254");
        Assert.That(Addresses(c), Is.EqualTo("10.10.0.2/24 | 3ffe:ffff:0:1ff::2/64"));
    }

    [Test]
    public void RuntimeConfigIpsWinOverEverything()
    {
        var c = Parse(Net("'addresses':[{'address':'10.0.0.1/24'}]",
            ",'RuntimeConfig':{'ips':['10.10.0.1/24','3ffe:ffff:0:01ff::1/64']},'args':{'cni':{'ips':['10.10.0.2/24']}}"),
            "IP=10.3.0.1/24,11.11.0.3/24;GATEWAY=10.3.0.254");
        Assert.That(Addresses(c), Is.EqualTo("10.10.0.1/24 | 3ffe:ffff:0:1ff::1/64"));
    }

    [TestCase(",'args':{'cni':{'ips':[]}},'runtimeConfig':{'ips':[]}")]
    [TestCase(",'args':{'cni':null},'runtimeConfig':null")]
    [TestCase(",'args':{}")]
    public void EmptyReplacementListsKeepTheConfig(string extra) =>
        Assert.That(Addresses(Parse(Net("'addresses':[{'address':'10.0.0.1/24'}]", extra))), Is.EqualTo("10.0.0.1/24"));

    [Test]
    public void RoutesAndDnsComeFromTheIpamSection()
    {
        var c = Parse(Net("'routes':[{'dst':'0.0.0.0/0'},{'dst':'192.168.0.0/16','gw':'10.10.5.1','mtu':1400,'advmss':0,'table':0,'scope':253},null,{'gw':'1.2.3.4'},{'dst':'3ffe:ffff:0:01ff::1/64','GW':''}]," +
            "'dns':{'nameservers':['8.8.8.8'],'domain':'example.com','search':['example.com'],'options':['ndots:2']}",
            ",'dns':{'nameservers':['9.9.9.9']}"));
        Assert.That(c.Routes.Select(r => $"{r.Dst} {r.Gw} {r.Mtu} {r.AdvMss} {r.Table} {r.Scope}"), Is.EqualTo(new[]
        {
            "0.0.0.0/0     ",
            "192.168.0.0/16 10.10.5.1 1400  0 253",
            "<nil> 1.2.3.4    ",
            "3ffe:ffff:0:1ff::1/64     ",
        }));
        Assert.That((c.Dns.Nameservers, c.Dns.Domain, c.Dns.Search, c.Dns.Options),
            Is.EqualTo((new List<string> { "8.8.8.8" }, "example.com", new List<string> { "example.com" }, new List<string> { "ndots:2" })));
        Assert.That(Parse(Net("")).Dns.IsEmpty);
    }

    [TestCase("0.3.0", true)]
    [TestCase("0.3.1", true)]
    [TestCase("0.4.0", true)]
    [TestCase("1.0.0", true)]
    [TestCase("1.1.0", true)]
    [TestCase("0.2.0", false)]
    [TestCase("0.1.0", false)]
    [TestCase("", false)]
    public void SeveralAddressesOfAFamilyNeed030(string version, bool ok)
    {
        var json = Net("'addresses':[{'address':'10.0.0.1/24'},{'address':'10.0.1.1/24'}]", version: version);
        if (ok) Assert.That(Parse(json).Addresses, Has.Count.EqualTo(2));
        else Assert.That(Fails(json), Is.EqualTo($"CNI version {version} does not support more than 1 address per family"));
    }

    [TestCase("0.2.0")]
    [TestCase("")]
    public void OneAddressPerFamilyIsFineBefore030(string version) =>
        Assert.That(Parse(Net("'addresses':[{'address':'10.0.0.1/24'},{'address':'2001:db8::1/64'}]", version: version)).Addresses, Has.Count.EqualTo(2));

    [Test]
    public void CniArgsCountTowardsTheLimitToo() =>
        Assert.That(Fails(Net("'addresses':[{'address':'10.0.0.1/24'}]", version: "0.2.0"), "IP=10.1.0.1/24"),
            Is.EqualTo("CNI version 0.2.0 does not support more than 1 address per family"));

    public static IEnumerable<TestCaseData> Errors()
    {
        TestCaseData Case(string json, string? args, string msg, string name) => new TestCaseData(json, args, msg).SetName("Error_" + name);
        yield return Case("{'cniVersion':'1.0.0','name':'n'}", null, "IPAM config missing 'ipam' key", "NoIpam");
        yield return Case("{'cniVersion':'1.0.0','name':'n','ipam':null}", "IP=10.0.0.1/24", "IPAM config missing 'ipam' key", "NullIpam");
        yield return Case("{'cniVersion':'1.0.0','name':'n','runtimeConfig':{'ips':['10.0.0.1/24']}}", null, "IPAM config missing 'ipam' key", "RuntimeIpsNoIpam");
        yield return Case(Net("'addresses':[{'address':'10.10.0.1'}]"), null, "the 'address' field is expected to be in CIDR notation, got: '10.10.0.1'", "ConfigNotCidr");
        yield return Case(Net("'addresses':[null]"), null, "the 'address' field is expected to be in CIDR notation, got: ''", "NullAddress");
        yield return Case(Net("'addresses':[{'gateway':'10.0.0.1'}]"), null, "the 'address' field is expected to be in CIDR notation, got: ''", "MissingAddress");
        yield return Case(Net("'addresses':[{'address':'10.0.0.1/33'}]"), null, "the 'address' field is expected to be in CIDR notation, got: '10.0.0.1/33'", "PrefixTooLong");
        yield return Case(Net(""), "IP=10.10.0.1", "the 'ip' field is expected to be in CIDR notation, got: '10.10.0.1'", "CniArgsNotCidr");
        yield return Case(Net(""), "IP=10.10.0.1/24, 10.0.0.300/8 ", "the 'ip' field is expected to be in CIDR notation, got: '10.0.0.300/8'", "CniArgsSecondBad");
        yield return Case(Net(""), "IP=10.10.0.1/24;GATEWAY= nope", "invalid gateway address:  nope", "BadGateway");
        yield return Case(Net(""), "FOO=bar", "ARGS: unknown args [\"FOO=bar\"]", "UnknownArg");
        yield return Case(Net(""), "ip=10.0.0.1/24", "ARGS: unknown args [\"ip=10.0.0.1/24\"]", "LowercaseKey");
        yield return Case(Net(""), "IP", "ARGS: invalid pair \"IP\"", "BadPair");
        yield return Case(Net("", ",'args':{'cni':{'ips':['10.0.0.1']}}"), null, "an entry in the 'ips' field is NOT in CIDR notation, got: '10.0.0.1'", "ArgsIpsNotCidr");
        yield return Case(Net("", ",'runtimeConfig':{'ips':[' 10.0.0.1/24']}"), null, "an entry in the 'ips' field is NOT in CIDR notation, got: ' 10.0.0.1/24'", "RuntimeIpsNotTrimmed");
        yield return Case(Net("", ",'runtimeConfig':{'ips':[null]}"), null, "an entry in the 'ips' field is NOT in CIDR notation, got: ''", "RuntimeIpsNull");
        yield return Case(Net("'addresses':[{'address':'10.0.0.1/24','gateway':'10.0.0.256'}]"), null, "invalid IP address: 10.0.0.256", "ConfigGatewayBad");
        yield return Case(Net("'addresses':[{'address':'10.0.0.1/24','gateway':5}]"), null, "json: cannot unmarshal number into Go struct field Address.ipam.addresses.gateway of type net.IP", "ConfigGatewayType");
        yield return Case(Net("'addresses':[{'address':5}]"), null, "json: cannot unmarshal number into Go struct field Address.ipam.addresses.address of type string", "AddressType");
        yield return Case(Net("'addresses':[{'Address':'10.0.0.1/24'}]"), null, "json: cannot unmarshal string into Go struct field Address.ipam.addresses.Address of type net.IPNet", "ExactAddressKeyIsTheIPNetField");
        yield return Case(Net("'addresses':[5]"), null, "json: cannot unmarshal number into Go struct field IPAMConfig.ipam.addresses of type main.Address", "AddressNotObject");
        yield return Case(Net("'addresses':{}"), null, "json: cannot unmarshal object into Go struct field IPAMConfig.ipam.addresses of type []main.Address", "AddressesNotArray");
        yield return Case(Net("'routes':[{'dst':5}]"), null, "json: cannot unmarshal number into Go struct field IPAMConfig.ipam.routes of type string", "RouteDstType");
        yield return Case(Net("'routes':[{'dst':'0.0.0.0/0','gw':true}]"), null, "json: cannot unmarshal bool into Go struct field IPAMConfig.ipam.routes of type net.IP", "RouteGwType");
        yield return Case(Net("'routes':[{'dst':'0.0.0.0/0','mtu':1.5}]"), null, "json: cannot unmarshal number 1.5 into Go struct field IPAMConfig.ipam.routes of type int", "RouteMtuType");
        yield return Case(Net("'routes':[{'dst':'0.0.0.0'}]"), null, "invalid CIDR address: 0.0.0.0", "RouteDstNotCidr");
        yield return Case(Net("'routes':[{'dst':'0.0.0.0/0','gw':'x'}]"), null, "invalid IP address: x", "RouteGwBad");
        yield return Case(Net("'routes':[5]"), null, "json: cannot unmarshal number into Go struct field IPAMConfig.ipam.routes of type types.route", "RouteNotObject");
        yield return Case(Net("'routes':'x'"), null, "json: cannot unmarshal string into Go struct field IPAMConfig.ipam.routes of type []*types.Route", "RoutesNotArray");
        yield return Case(Net("'dns':{'nameservers':5}"), null, "json: cannot unmarshal number into Go struct field DNS.ipam.dns.nameservers of type []string", "DnsType");
        yield return Case(Net("", ",'runtimeConfig':5"), null, "json: cannot unmarshal number into Go struct field Net.runtimeConfig of type struct { IPs []string \"json:\\\"ips,omitempty\\\"\" }", "RuntimeConfigType");
        yield return Case(Net("", ",'runtimeConfig':{'ips':'x'}"), null, "json: cannot unmarshal string into Go struct field .runtimeConfig.ips of type []string", "RuntimeIpsType");
        yield return Case(Net("", ",'args':{'cni':5}"), null, "json: cannot unmarshal number into Go struct field .args.cni of type main.IPAMArgs", "ArgsCniType");
        yield return Case(Net("", ",'args':{'cni':{'ips':5}}"), null, "json: cannot unmarshal number into Go struct field IPAMArgs.args.cni.ips of type []string", "ArgsIpsType");
        yield return Case("{'cniVersion':'1.0.0','name':'n','ipam':5}", null, "json: cannot unmarshal number into Go struct field Net.ipam of type main.IPAMConfig", "IpamType");
        yield return Case(Net("'Name':5"), null, "json: cannot unmarshal number into Go struct field IPAMConfig.ipam.Name of type string", "IpamNameType");
    }

    [TestCaseSource(nameof(Errors))]
    public void ErrorsAsGo(string json, string? cniArgs, string msg) => Assert.That(Fails(json, cniArgs), Is.EqualTo(msg));

    [Test]
    public void KeepsTheRawVersionAndName()
    {
        var c = Parse("{'name':'n1','ipam':{'type':'static'}}");
        Assert.That((c.Name, c.CniVersion), Is.EqualTo(("n1", "")));
    }
}
