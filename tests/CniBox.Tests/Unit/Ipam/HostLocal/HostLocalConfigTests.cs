using System.Text;
using CniBox.Ipam;
using CniBox.Ipam.HostLocal;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Ipam.HostLocal;

public class HostLocalConfigTests
{
    private static HostLocalConfig Parse(string json, string? args = null) =>
        HostLocalConfig.Parse(Encoding.UTF8.GetBytes(json.Replace('\'', '"')), args);

    private static string Fails(string json, string? args = null, int code = ErrorCode.Internal)
    {
        var e = Assert.Throws<CniException>(() => Parse(json, args))!;
        Assert.That(e.Code, Is.EqualTo(code), e.Msg);
        return e.Msg;
    }

    private static string Net(string ipam, string extra = "") =>
        "{'cniVersion':'1.0.0','name':'net1'" + extra + ",'ipam':{'type':'host-local'," + ipam + "}}";

    private static string Sets(HostLocalConfig c) => string.Join(" | ", c.Ranges.Select(s => s.ToString()));

    [TestCase("'subnet':'10.1.2.0/24'", "10.1.2.1-10.1.2.254", "10.1.2.1")]
    [TestCase("'subnet':'10.1.0.0/16','rangeStart':'10.1.5.0','rangeEnd':'10.1.5.255','gateway':'10.1.0.254'", "10.1.5.0-10.1.5.255", "10.1.0.254")]
    [TestCase("'subnet':'10.1.2.0/30'", "10.1.2.1-10.1.2.2", "10.1.2.1")]
    [TestCase("'subnet':'2001:db8:1::/64'", "2001:db8:1::1-2001:db8:1:0:ffff:ffff:ffff:ffff", "2001:db8:1::1")]
    [TestCase("'subnet':'2001:db8::/126'", "2001:db8::1-2001:db8::3", "2001:db8::1")]
    [TestCase("'subnet':'::ffff:10.1.2.0/120'", "", "")]
    [TestCase("'subnet':'10.1.2.0/24','gateway':'192.168.0.1'", "10.1.2.1-10.1.2.254", "192.168.0.1")]
    [TestCase("'subnet':'10.1.2.0/24','rangeStart':'10.1.2.0','rangeEnd':'10.1.2.255'", "10.1.2.0-10.1.2.255", "10.1.2.1")]
    [TestCase("'Subnet':'10.1.2.0/24','RANGESTART':'10.1.2.9','rangeEnd':''", "10.1.2.9-10.1.2.254", "10.1.2.1")]
    public void LegacyRangeDefaults(string ipam, string range, string gateway)
    {
        if (range == "")
        {
            Assert.That(Fails(Net(ipam)), Is.EqualTo("invalid range set 0: IPNet IP and Mask version mismatch"));
            return;
        }
        var c = Parse(Net(ipam));
        Assert.That((Sets(c), c.Ranges[0][0].Gateway.ToString()), Is.EqualTo((range, gateway)));
    }

    [TestCase("'subnet':'10.1.2.0/31'", "invalid range set 0: Network 10.1.2.0/31 too small to allocate from")]
    [TestCase("'subnet':'10.1.2.7/32'", "invalid range set 0: Network 10.1.2.7/32 too small to allocate from")]
    [TestCase("'subnet':'2001:db8::/127'", "invalid range set 0: Network 2001:db8::/127 too small to allocate from")]
    [TestCase("'subnet':'2001:db8::1/128'", "invalid range set 0: Network 2001:db8::1/128 too small to allocate from")]
    [TestCase("'subnet':'10.1.2.5/24'", "invalid range set 0: Network has host bits set. For a subnet mask of length 24 the network address is 10.1.2.0")]
    [TestCase("'subnet':'2001:db8::5/64'", "invalid range set 0: Network has host bits set. For a subnet mask of length 64 the network address is 2001:db8::")]
    [TestCase("'subnet':'10.1.2.0/24','rangeStart':'10.1.3.1'", "invalid range set 0: RangeStart 10.1.3.1 not in network 10.1.2.0/24")]
    [TestCase("'subnet':'10.1.2.0/24','rangeEnd':'10.1.3.1'", "invalid range set 0: RangeEnd 10.1.3.1 not in network 10.1.2.0/24")]
    [TestCase("'subnet':'10.1.2.0/24','rangeStart':'10.1.2.50','rangeEnd':'10.1.2.40'", "invalid range set 0: RangeEnd 10.1.2.40 not in network 10.1.2.0/24")]
    [TestCase("'subnet':'2001:db8::/64','rangeStart':'2001:db8::50','rangeEnd':'2001:db8::40'", "invalid range set 0: RangeStart 2001:db8::50 not in network 2001:db8::/64")]
    [TestCase("'subnet':'10.1.2.0/24','rangeStart':'2001:db8::1'", "invalid range set 0: RangeStart 2001:db8::1 not in network 10.1.2.0/24")]
    [TestCase("'subnet':'10.1.2.0/24','rangeStart':'10.1.2.300'", "invalid IP address: 10.1.2.300")]
    [TestCase("'subnet':'10.1.2.0'", "invalid CIDR address: 10.1.2.0")]
    [TestCase("'ranges':[]", "no IP ranges specified")]
    [TestCase("'type2':1", "no IP ranges specified")]
    [TestCase("'ranges':[[]]", "invalid range set 0: empty range set")]
    [TestCase("'ranges':[[{'rangeStart':'10.1.2.1'}]]", "invalid range set 0: IP <nil> not v4 nor v6")]
    [TestCase("'ranges':[[{'subnet':'10.1.2.0/24'},{'subnet':'2001:db8::/64'}]]", "invalid range set 0: mixed address families")]
    [TestCase("'ranges':[[{'subnet':'10.1.2.0/24'},{'subnet':'10.1.3.0/24'}],[{'subnet':'10.1.0.0/16'}]]", "range set 0 overlaps with 1")]
    [TestCase("'ranges':[[{'subnet':'10.1.0.0/24'}],[{'subnet':'10.2.0.0/24'}],[{'subnet':'10.2.0.0/16'}]]", "range set 1 overlaps with 2")]
    [TestCase("'ranges':[[{'subnet':'10.1.2.0/24'},{'subnet':'10.1.2.0/25'}]]", "invalid range set 0: subnets 10.1.2.1-10.1.2.254 and 10.1.2.1-10.1.2.126 overlap")]
    [TestCase("'ranges':[[{'subnet':'10.1.2.0/24','rangeEnd':'10.1.2.100'},{'subnet':'10.1.2.0/24','rangeStart':'10.1.2.100'}]]", "invalid range set 0: subnets 10.1.2.1-10.1.2.100 and 10.1.2.100-10.1.2.254 overlap")]
    [TestCase("'ranges':[[{'subnet':'10.1.2.0/24'}],[{'subnet':'10.1.2.0/31'}]]", "invalid range set 1: Network 10.1.2.0/31 too small to allocate from")]
    public void ValidationAsGo(string ipam, string message) => Assert.That(Fails(Net(ipam)), Is.EqualTo(message));

    [TestCase("'subnet':'10.1.2.0/24','dataDir':5", "json: cannot unmarshal number into Go struct field IPAMConfig.ipam.dataDir of type string")]
    [TestCase("'ranges':5", "json: cannot unmarshal number into Go struct field IPAMConfig.ipam.ranges of type []allocator.RangeSet")]
    [TestCase("'ranges':[[{'subnet':5}]]", "json: cannot unmarshal number into Go struct field Range.ipam.ranges.subnet of type string")]
    public void TypeMismatchesAreDecodingFailuresWithGoText(string ipam, string message) =>
        Assert.That(Fails(Net(ipam), code: ErrorCode.DecodingFailure), Is.EqualTo(message));

    [Test]
    public void MissingIpam() => Assert.That(Fails("{'name':'n','cniVersion':'1.0.0'}"), Is.EqualTo("IPAM config missing 'ipam' key"));

    [Test]
    public void RangesAreKeptApartWithinASetButSubnetsMayShareWhenRangesDoNot()
    {
        var c = Parse(Net("'ranges':[[{'subnet':'10.1.2.0/24','rangeEnd':'10.1.2.99'},{'subnet':'10.1.2.0/24','rangeStart':'10.1.2.100'}]]"));
        Assert.That(Sets(c), Is.EqualTo("10.1.2.1-10.1.2.99,10.1.2.100-10.1.2.254"));
    }

    [Test]
    public void OrderIsRuntimeRangesThenLegacyThenRanges()
    {
        var c = Parse(Net("'subnet':'10.1.0.0/24','ranges':[[{'subnet':'10.2.0.0/24'}],[{'subnet':'2001:db8::/120'}]]",
            ",'runtimeConfig':{'ipRanges':[[{'subnet':'10.3.0.0/24'}]]}"));
        Assert.That(Sets(c), Is.EqualTo("10.3.0.1-10.3.0.254 | 10.1.0.1-10.1.0.254 | 10.2.0.1-10.2.0.254 | 2001:db8::1-2001:db8::ff"));
    }

    [TestCase("0.2.0", false)]
    [TestCase("0.1.0", false)]
    [TestCase("", false)]
    [TestCase("0.3.0", true)]
    [TestCase("0.3.1", true)]
    [TestCase("1.1.0", true)]
    public void BeforeSpec030OnlyOneSetPerFamily(string version, bool ok)
    {
        var json = "{'cniVersion':'" + version + "','name':'n','ipam':{'ranges':[[{'subnet':'10.1.0.0/24'}],[{'subnet':'10.2.0.0/24'}]]}}";
        if (ok) Assert.That(Parse(json).Ranges, Has.Count.EqualTo(2));
        else Assert.That(Fails(json), Is.EqualTo($"CNI version {version} does not support more than 1 address per family"));
        var dual = "{'cniVersion':'" + version + "','name':'n','ipam':{'ranges':[[{'subnet':'10.1.0.0/24'}],[{'subnet':'2001:db8::/64'}]]}}";
        Assert.That(Parse(dual).Ranges, Has.Count.EqualTo(2));
    }

    [Test]
    public void RequestedIpsCombineEnvThenArgsThenRuntimeConfig()
    {
        var c = Parse(Net("'subnet':'10.1.0.0/16'", ",'args':{'cni':{'ips':['10.1.0.7','2001:db8::7/64']}},'runtimeConfig':{'ips':['10.1.0.8/16']}"),
            "IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.1.0.6");
        Assert.That(c.RequestedIps.Select(i => i.ToString()), Is.EqualTo(new[] { "10.1.0.6", "10.1.0.7", "2001:db8::7", "10.1.0.8" }));
    }

    [TestCase("IP=", "")]
    [TestCase("IP=10.1.0.6/16", "10.1.0.6")]
    [TestCase("IP=::ffff:10.1.0.6", "10.1.0.6")]
    public void EnvIp(string args, string expected) =>
        Assert.That(string.Join(",", Parse(Net("'subnet':'10.1.0.0/16'"), args).RequestedIps), Is.EqualTo(expected));

    [TestCase("IP=10.1.0.6,10.1.0.7", "ARGS: error parsing value of pair \"IP=10.1.0.6,10.1.0.7\": invalid IP address 10.1.0.6,10.1.0.7)")]
    [TestCase("FOO=1", "ARGS: unknown args [\"FOO=1\"]")]
    [TestCase("ip=10.1.0.6", "ARGS: unknown args [\"ip=10.1.0.6\"]")]
    public void EnvIpErrors(string args, string message) => Assert.That(Fails(Net("'subnet':'10.1.0.0/16'"), args), Is.EqualTo(message));

    [TestCase(",'args':{'cni':{'ips':['bogus']}}", "invalid IP address bogus")]
    [TestCase(",'runtimeConfig':{'ips':['10.1.0.5/99']}", "invalid IP address 10.1.0.5/99")]
    [TestCase(",'runtimeConfig':{'ips':['']}", "cannot understand ip: IP <nil> not v4 nor v6")]
    public void JsonIpErrors(string extra, string message) => Assert.That(Fails(Net("'subnet':'10.1.0.0/16'", extra)), Is.EqualTo(message));

    [Test]
    public void RoutesDataDirResolvConf()
    {
        var c = Parse(Net("'subnet':'10.1.0.0/16','dataDir':'/run/x','resolvConf':'/etc/r','routes':[{'dst':'0.0.0.0/0'},{'dst':'10.9.0.5/8','gw':'10.1.0.254','mtu':1400,'table':0}]"));
        Assert.That((c.DataDir, c.ResolvConf, c.Name, c.CniVersion), Is.EqualTo(("/run/x", "/etc/r", "net1", "1.0.0")));
        Assert.That(c.Routes.Select(r => (r.Dst, r.Gw, r.Mtu, r.Table)),
            Is.EqualTo(new (string, string?, int?, int?)[] { ("0.0.0.0/0", null, null, null), ("10.9.0.5/8", "10.1.0.254", 1400, 0) }));
    }

    [Test]
    public void Defaults()
    {
        var c = Parse(Net("'subnet':'10.1.0.0/16'"));
        Assert.That((c.DataDir, c.ResolvConf, c.Routes.Count, c.RequestedIps.Count), Is.EqualTo(("/var/lib/cni/networks", (string?)null, 0, 0)));
    }

    [TestCase("..")]
    [TestCase(".")]
    [TestCase("a/../../etc")]
    [TestCase("")]
    [TestCase("a\u0000b")]
    public void NetworkNamesThatEscapeDataDirAreRejected(string name)
    {
        var json = "{'cniVersion':'1.0.0','name':\"" + System.Text.Json.JsonEncodedText.Encode(name) + "\",'ipam':{'subnet':'10.1.0.0/16'}}";
        Assert.That(Fails(json, code: ErrorCode.InvalidNetworkConfig), Does.StartWith("invalid network name"));
    }
}
