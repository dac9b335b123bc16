using System.Text;
using CniBox.Ipam.Static;
using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Ipam.Static;

/// <summary>static's result building and CHECK, in-process.</summary>
public class StaticPluginTests
{
    private const string Conf =
        "{'cniVersion':'VER','name':'mynet','type':'ipvlan','ipam':{'type':'static'," +
        "'addresses':[{'address':'10.10.0.1/24','gateway':'10.10.0.254'},{'address':'3ffe:ffff:0:01ff::1/64','gateway':'3ffe:ffff:0::1'}]," +
        "'routes':[{'dst':'0.0.0.0/0'},{'dst':'192.168.0.0/16','gw':'10.10.5.1'},{'dst':'3ffe:ffff:0:01ff::1/64'}]," +
        "'dns':{'nameservers':['8.8.8.8'],'domain':'example.com','search':['example.com']}}PREV}";

    private static PluginCall Call(string json, string version = "1.0.0", string args = "", CniCommand command = CniCommand.Add) => new()
    {
        Command = command, ContainerId = "dummy", Netns = "/some/where", IfName = "eth0", Args = args, Path = [],
        StdinData = Encoding.UTF8.GetBytes(json.Replace('\'', '"').Replace("VER", version)),
        CniVersion = version, NetworkName = "mynet",
        Context = new AppletContext
        {
            Name = "static", Args = [], Getenv = _ => null, Stdin = Stream.Null, Stdout = Stream.Null,
            Stderr = TextWriter.Null, Log = Serilog.Core.Logger.None, IsOwnNetns = _ => false,
        },
    };

    private static string WithPrev(string prev) => Conf.Replace("PREV", prev == "" ? "" : ",'prevResult':" + prev);

    [Test]
    public void AddReturnsIpsRoutesAndDnsWithoutInterfaces()
    {
        var result = new StaticPlugin().Handle(Call(WithPrev("")))!;
        Assert.That(result.Interfaces, Is.Empty);
        Assert.That(result.Ips.Select(ip => (ip.Address, ip.Gateway, ip.Interface)), Is.EqualTo(new (string, string?, int?)[]
        {
            ("10.10.0.1/24", "10.10.0.254", null),
            ("3ffe:ffff:0:1ff::1/64", "3ffe:ffff::1", null),
        }));
        Assert.That(result.Routes.Select(r => (r.Dst, r.Gw)), Is.EqualTo(new (string, string?)[]
        {
            ("0.0.0.0/0", null), ("192.168.0.0/16", "10.10.5.1"), ("3ffe:ffff:0:1ff::1/64", null),
        }));
        Assert.That(result.Dns.Nameservers, Is.EqualTo(new[] { "8.8.8.8" }));
    }

    [Test]
    public void AddPrintsInEveryVersion()
    {
        var plugin = new StaticPlugin();
        var v1 = plugin.Handle(Call(WithPrev("")))!.ToJson("1.1.0", indented: false);
        Assert.That(v1, Is.EqualTo(
            "{\"cniVersion\":\"1.1.0\",\"dns\":{\"domain\":\"example.com\",\"nameservers\":[\"8.8.8.8\"],\"search\":[\"example.com\"]}," +
            "\"ips\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"},{\"address\":\"3ffe:ffff:0:1ff::1/64\",\"gateway\":\"3ffe:ffff::1\"}]," +
            "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.10.5.1\"},{\"dst\":\"3ffe:ffff:0:1ff::1/64\"}]}"));
        var v04 = plugin.Handle(Call(WithPrev(""), "0.4.0"))!.ToJson("0.4.0", indented: false);
        Assert.That(v04, Does.StartWith("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"}"));
        var v02 = plugin.Handle(Call(WithPrev(""), "0.2.0"))!.ToJson("0.2.0", indented: false);
        Assert.That(v02, Does.StartWith("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\",\"routes\":[{\"dst\":\"0.0.0.0/0\"},"));
    }

    [Test]
    public void AddWithNoAddressesCannotBePrintedBefore030()
    {
        var result = new StaticPlugin().Handle(Call("{'cniVersion':'0.2.0','name':'n','ipam':{'type':'static'}}", "0.2.0"))!;
        var e = Assert.Throws<CniException>(() => result.ToJson("0.2.0"))!;
        Assert.That(e.Msg, Is.EqualTo("cannot convert: no valid IP addresses"));
        Assert.That(result.ToJson("0.3.1", indented: false), Is.EqualTo("{\"cniVersion\":\"0.3.1\",\"dns\":{}}"));
    }

    [TestCase("{'cniVersion':'1.0.0','ips':[{'address':'10.10.0.1/24','gateway':'10.10.0.254'},{'address':'3ffe:ffff:0:1ff::1/64','gateway':'3ffe:ffff::1'}]}")]
    [TestCase("{'cniVersion':'1.0.0','ips':[{'address':'10.10.0.1/16','gateway':'10.10.0.254'}]}")]
    [TestCase("{'cniVersion':'1.0.0','ips':[{'address':'10.99.0.1/24'}]}")]
    [TestCase("{'cniVersion':'1.0.0','ips':[]}")]
    [TestCase("{'cniVersion':'1.0.0','ips':[{'address':'::ffff:10.10.0.1/120','gateway':'::ffff:10.10.0.254'}]}")]
    [TestCase("{'cniVersion':'1.0.0'}")]
    public void CheckPassesWhenEveryListedConfiguredAddressHasItsGateway(string prev) =>
        Assert.DoesNotThrow(() => new StaticPlugin().Handle(Call(WithPrev(prev), command: CniCommand.Check)));

    [TestCase("{'cniVersion':'1.0.0','ips':[{'address':'10.10.0.1/24','gateway':'10.10.0.1'}]}", "10.10.0.1")]
    [TestCase("{'cniVersion':'1.0.0','ips':[{'address':'10.10.0.1/24'}]}", "10.10.0.1")]
    [TestCase("{'cniVersion':'1.0.0','ips':[{'address':'3ffe:ffff:0:1ff::1/64','gateway':'3ffe:ffff::2'}]}", "3ffe:ffff:0:1ff::1")]
    public void CheckFailsOnAGatewayMismatch(string prev, string ip)
    {
        var e = Assert.Throws<CniException>(() => new StaticPlugin().Handle(Call(WithPrev(prev), command: CniCommand.Check)))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.Internal, $"static: Failed to match addr {ip} on interface eth0")));
    }

    [TestCase("", "Required prevResult missing")]
    [TestCase("null", "Required prevResult missing")]
    [TestCase("5", "failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.prevResult of type map[string]interface {}")]
    [TestCase("{'cniVersion':'0.4.0','ips':[]}", "could not parse prevResult: result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is \"0.4.0\"")]
    public void CheckNeedsAUsablePrevResult(string prev, string msg)
    {
        var e = Assert.Throws<CniException>(() => new StaticPlugin().Handle(Call(WithPrev(prev), command: CniCommand.Check)))!;
        Assert.That(e.Msg, Is.EqualTo(msg));
    }

    [Test]
    public void CheckLoadsTheConfigFirst()
    {
        var e = Assert.Throws<CniException>(() => new StaticPlugin().Handle(Call(WithPrev("5"), args: "FOO=1", command: CniCommand.Check)))!;
        Assert.That(e.Msg, Is.EqualTo("ARGS: unknown args [\"FOO=1\"]"));
    }

    [Test]
    public void DelGcAndStatusReadNothing()
    {
        var plugin = new StaticPlugin();
        var call = Call("{'cniVersion':'1.1.0','name':'n'}", "1.1.0", args: "FOO=1");
        Assert.DoesNotThrow(() => plugin.Handle(call with { Command = CniCommand.Del }));
        Assert.DoesNotThrow(() => plugin.Handle(call with { Command = CniCommand.Gc }));
        Assert.DoesNotThrow(() => plugin.Handle(call with { Command = CniCommand.Status }));
    }
}
