using System.Text;
using CniBox.Applets.Flannel;

namespace CniBox.Tests.Unit.Applets.Flannel;

/// <summary>
/// The delegate config byte-compared with what flannel writes for the same input: upstream's own test cases
/// (flannel_linux_test.go, compacted, keys sorted as Go marshals a map) and k3s's effective delegate.
/// </summary>
public class FlannelDelegateTests
{
    private const string V4Env = "FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.17.1/24\nFLANNEL_MTU=1472\nFLANNEL_IPMASQ=true\n";
    private const string DualEnv = V4Env + "FLANNEL_IPV6_NETWORK=fc00::/48\nFLANNEL_IPV6_SUBNET=fc00::1/64\n";

    private static string Build(string conf, string env) =>
        FlannelDelegate.Build(FlannelConfig.Parse(Encoding.UTF8.GetBytes(conf.Replace('\'', '"'))), SubnetEnv.Parse(env, "subnet.env")).Json;

    [Test]
    public void UpstreamsIpv4Case()
    {
        Assert.That(Build("{'name':'cni-flannel','type':'flannel'}", V4Env), Is.EqualTo(
            "{\"ipMasq\":false,\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.17.0/24\"}]],\"routes\":[{\"dst\":\"10.1.0.0/16\"}],\"type\":\"host-local\"}," +
            "\"isGateway\":true,\"mtu\":1472,\"name\":\"cni-flannel\",\"type\":\"bridge\"}"));
    }

    [Test]
    public void UpstreamsDualStackAndTwoNetworkCases()
    {
        Assert.That(Build("{'name':'cni-flannel','type':'flannel'}", DualEnv), Does.Contain(
            "\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.17.0/24\"}],[{\"subnet\":\"fc00::/64\"}]],\"routes\":[{\"dst\":\"10.1.0.0/16\"},{\"dst\":\"fc00::/48\"}],\"type\":\"host-local\"}"));
        Assert.That(Build("{'name':'n','type':'flannel'}", V4Env.Replace("10.1.0.0/16", "10.1.0.0/16,192.168.0.0/16")), Does.Contain(
            "\"routes\":[{\"dst\":\"10.1.0.0/16\"},{\"dst\":\"192.168.0.0/16\"}]"));
    }

    [Test]
    public void UpstreamsIpamCaseKeepsTypeUnknownKeysAndRoutesFirst()
    {
        var conf = "{'name':'cni-flannel','type':'flannel','ipam':{'type':'my-ipam','unknown-param':'unknown-value'," +
            "'routes':[{'dst':'10.96.0.0/12'},{'dst':'192.168.244.0/24','gw':'10.1.17.20','extra':1}],'ranges':[[{'subnet':'1.2.3.0/24'}]]}}";
        Assert.That(Build(conf, V4Env), Does.Contain(
            "\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.17.0/24\"}]],\"routes\":[{\"dst\":\"10.96.0.0/12\"}," +
            "{\"dst\":\"192.168.244.0/24\",\"gw\":\"10.1.17.20\"},{\"dst\":\"10.1.0.0/16\"}],\"type\":\"my-ipam\",\"unknown-param\":\"unknown-value\"}"));
    }

    [Test]
    public void K3sConflistsDelegate()
    {
        var conf = "{'name':'cbr0','cniVersion':'1.0.0','type':'flannel','delegate':{'hairpinMode':true,'forceAddress':true,'isDefaultGateway':true}}";
        var env = "FLANNEL_NETWORK=10.42.0.0/16\nFLANNEL_SUBNET=10.42.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n";
        Assert.That(Build(conf, env), Is.EqualTo(
            "{\"cniVersion\":\"1.0.0\",\"forceAddress\":true,\"hairpinMode\":true,\"ipMasq\":false,\"ipam\":{\"ranges\":[[{\"subnet\":\"10.42.1.0/24\"}]]," +
            "\"routes\":[{\"dst\":\"10.42.0.0/16\"}],\"type\":\"host-local\"},\"isDefaultGateway\":true,\"isGateway\":true,\"mtu\":1450," +
            "\"name\":\"cbr0\",\"type\":\"bridge\"}"));
    }

    [Test]
    public void DelegateKeysWinOverDefaultsAndValuesAreReencodedAsGo()
    {
        var conf = "{'name':'n','cniVersion':'0.3.1','type':'flannel','runtimeConfig':{'portMappings':[]}," +
            "'delegate':{'type':'ipvlan','ipMasq':true,'mtu':1.4e3,'master':'a<b','cniVersion':'0.1.0','runtimeConfig':{'x':1}}}";
        Assert.That(Build(conf, V4Env.Replace("IPMASQ=true", "IPMASQ=false")), Is.EqualTo(
            "{\"cniVersion\":\"0.3.1\",\"ipMasq\":true,\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.17.0/24\"}]],\"routes\":[{\"dst\":\"10.1.0.0/16\"}]," +
            "\"type\":\"host-local\"},\"master\":\"a\\u003cb\",\"mtu\":1400,\"name\":\"n\",\"runtimeConfig\":{\"portMappings\":[]},\"type\":\"ipvlan\"}"));
    }

    [TestCase("'delegate':{'type':1}", "'delegate' dictionary, if present, must have (string) 'type' field")]
    [TestCase("'delegate':{'type':null}", "'delegate' dictionary, if present, must have (string) 'type' field")]
    [TestCase("'delegate':{'name':'x'}", "'delegate' dictionary must not have 'name' field, it'll be set by flannel")]
    [TestCase("'delegate':{'ipam':{}}", "'delegate' dictionary must not have 'ipam' field, it'll be set by flannel")]
    [TestCase("'ipam':{'routes':{}}", "failed to assemble Delegate IPAM: failed to read IPAM routes: failed to parse ipam.routes: json: cannot unmarshal object into Go value of type []types.Route")]
    [TestCase("'ipam':{'routes':[{'dst':'10.0.0.0'}]}", "failed to assemble Delegate IPAM: failed to read IPAM routes: failed to parse ipam.routes: invalid CIDR address: 10.0.0.0")]
    public void RefusalsAreFlannelsTexts(string keys, string message)
    {
        var e = Assert.Throws<FormatException>(() => Build("{'name':'n','type':'flannel'," + keys + "}", V4Env))!;
        Assert.That(e.Message, Is.EqualTo(message));
    }
}
