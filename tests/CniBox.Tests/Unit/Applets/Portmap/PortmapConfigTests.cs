using System.Net.Sockets;
using System.Text;
using CniBox.Applets.Portmap;
using CniBox.Netlink.Netfilter;
using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Applets.Portmap;

/// <summary>portmap's keys, defaults and refusals as upstream 1.9.1's parseConfig, without root.</summary>
public class PortmapConfigTests
{
    private static PortmapConfig Parse(string keys, string prefix = "") =>
        PortmapConfig.Parse(Encoding.UTF8.GetBytes(Conf(keys)), prefix);

    private static string Conf(string keys) =>
        ("{'cniVersion':'1.0.0','name':'mynet','type':'portmap'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"');

    private static CniException Refused(string keys, string prefix = "") => Assert.Throws<CniException>(() => Parse(keys, prefix))!;

    [Test]
    public void Defaults()
    {
        var c = Parse("");
        Assert.That((c.Backend, c.Snat, c.MasqAll, c.MarkMasqBit, c.ExternalSetMarkChain, c.ConditionsV4, c.ConditionsV6, c.Mappings.Count),
            Is.EqualTo(("nftables", true, false, 13, (string?)null, (IReadOnlyList<string>?)null, (IReadOnlyList<string>?)null, 0)));
    }

    [Test]
    public void EveryKey()
    {
        var c = Parse("'backend':'nftables','snat':false,'masqAll':true,'markMasqBit':5,'conditionsV4':['ip','saddr','10.0.0.0/8']," +
            "'conditionsV6':['iifname','eth0'],'runtimeConfig':{'portMappings':[{'hostPort':8080,'containerPort':80,'protocol':'tcp'}," +
            "{'hostPort':53,'containerPort':5353,'protocol':'udp','hostIP':'10.199.100.1'},{'hostPort':9,'containerPort':9,'protocol':'sctp','hostIP':'::'}]}");
        Assert.That((c.Backend, c.Snat, c.MasqAll, c.MarkMasqBit), Is.EqualTo(("nftables", false, true, 5)));
        Assert.That(c.ConditionsV4, Is.EqualTo(new[] { "ip", "saddr", "10.0.0.0/8" }));
        Assert.That(c.ConditionsV6, Is.EqualTo(new[] { "iifname", "eth0" }));
        Assert.That(c.Mappings, Is.EqualTo(new[]
        {
            new PortMapping(8080, 80, "tcp", null),
            new PortMapping(53, 5353, "udp", IpAddr.Parse("10.199.100.1")),
            new PortMapping(9, 9, "sctp", IpAddr.Parse("::")),
        }));
    }

    [Test]
    public void ContainerdsCapitalisedKeysAndEmptyHostIpMeanAny()
    {
        var c = Parse("'runtimeConfig':{'portMappings':[{'HostPort':18085,'ContainerPort':80,'Protocol':'TCP','HostIP':''}]}");
        Assert.That(c.Mappings, Is.EqualTo(new[] { new PortMapping(18085, 80, "tcp", null) }));
    }

    [TestCase("'backend':'iptables'", "iptables")]
    [TestCase("'externalSetMarkChain':'KUBE-MARK-MASQ'", "iptables")]
    [TestCase("'conditionsV4':['-s','10.0.0.0/8']", "iptables")]
    [TestCase("'conditionsV4':['ip','saddr','10.0.0.1']", "nftables")]
    [TestCase("'conditionsV4':['']", "nftables")]
    public void BackendFollowsTheOptions(string keys, string backend) => Assert.That(Parse(keys).Backend, Is.EqualTo(backend));

    [TestCase("'backend':'ebpf'", "unrecognized backend \"ebpf\"")]
    [TestCase("'markMasqBit':32", "MasqMarkBit must be between 0 and 31")]
    [TestCase("'markMasqBit':-1", "MasqMarkBit must be between 0 and 31")]
    [TestCase("'markMasqBit':13,'externalSetMarkChain':'X'", "Cannot specify externalSetMarkChain and markMasqBit")]
    [TestCase("'backend':'iptables','conditionsV4':['aaa','bbbb'],'conditionsV6':['ccc']",
        "iptables backend was requested but configuration contains nftables-specific options [conditionsV4 conditionsV6]")]
    [TestCase("'backend':'nftables','externalSetMarkChain':'KUBE-MARK-MASQ','conditionsV4':['-a','b'],'conditionsV6':['-c','d']",
        "nftables backend was requested but configuration contains iptables-specific options [externalSetMarkChain conditionsV4 conditionsV6]")]
    [TestCase("'externalSetMarkChain':'X','conditionsV6':['ip6','saddr','::1']",
        "iptables backend was requested but configuration contains nftables-specific options [conditionsV6]")]
    [TestCase("'runtimeConfig':{'portMappings':[{'hostPort':8080,'containerPort':0,'protocol':'tcp'}]}", "Invalid container port number: 0")]
    [TestCase("'runtimeConfig':{'portMappings':[{'hostPort':-1,'containerPort':80,'protocol':'tcp'}]}", "Invalid host port number: -1")]
    [TestCase("'runtimeConfig':{'portMappings':[{'containerPort':80,'protocol':'tcp'}]}", "Invalid host port number: 0")]
    public void GoRefusalsArePlainErrors(string keys, string message)
    {
        var e = Refused(keys);
        Assert.That((e.Code, e.Msg), Is.EqualTo((999, message)));
        Assert.That(Refused(keys, "failed to parse config: ").Msg, Is.EqualTo("failed to parse config: " + message));
    }

    [TestCase("'runtimeConfig':{'portMappings':[{'hostPort':70000,'containerPort':80,'protocol':'tcp'}]}", "Invalid host port number: 70000")]
    [TestCase("'runtimeConfig':{'portMappings':[{'hostPort':80,'containerPort':65536,'protocol':'tcp'}]}", "Invalid container port number: 65536")]
    [TestCase("'runtimeConfig':{'portMappings':[{'hostPort':80,'containerPort':80,'protocol':'icmp'}]}", "Invalid protocol \"icmp\" for host port 80")]
    [TestCase("'runtimeConfig':{'portMappings':[{'hostPort':80,'containerPort':80,'protocol':'tcp','hostIP':'nope'}]}", "Invalid hostIP \"nope\" for host port 80")]
    public void WhatGoLetsThroughIsCode7NamingTheKey(string keys, string start)
    {
        var e = Refused(keys);
        Assert.That(e.Code, Is.EqualTo(7));
        Assert.That(e.Msg, Does.StartWith(start));
    }

    [Test]
    public void WrongTypesAreGoDecodingErrors()
    {
        var e = Refused("'snat':'yes'", "failed to parse config: ");
        Assert.That((e.Code, e.Msg), Is.EqualTo((999,
            "failed to parse config: failed to parse network configuration: json: cannot unmarshal string into Go struct field PortMapConf.snat of type bool")));
        var port = Refused("'runtimeConfig':{'portMappings':[{'hostPort':'80'}]}");
        Assert.That(port.Msg, Is.EqualTo("failed to parse network configuration: json: cannot unmarshal string into Go struct field PortMapEntry.runtimeConfig.portMappings.hostPort of type int"));
    }

    [Test]
    public void NftConditionsBecomeExpressions()
    {
        var v4 = NftConditions.Parse(["ip saddr != 10.199.0.0/16", "iifname", "\"cbtpm0\""], AddressFamily.InterNetwork, "conditionsV4");
        NftExpr[] expected = [.. NftMatch.Source(System.Net.IPNetwork.Parse("10.199.0.0/16"), equal: false), .. NftMatch.IifName("cbtpm0")];
        Assert.That(v4, Is.EqualTo(expected));
        Assert.That(NftConditions.Parse(["ip6", "daddr", "==", "fd99::1"], AddressFamily.InterNetworkV6, "conditionsV6"),
            Is.EqualTo(NftMatch.Destination(System.Net.IPAddress.Parse("fd99::1"))));
    }

    [TestCase("ip daddr != { 127.0.0.0/8, 198.19.254.254 }", "\"{\"")]
    [TestCase("tcp dport 80", "\"tcp\"")]
    [TestCase("ip6 saddr ::1", "\"ip6\"")]
    [TestCase("ip saddr", "\"saddr\"")]
    [TestCase("ip protocol tcp", "\"protocol\"")]
    // Fuzz finding (nft-conditions): 15 characters but more than 15 bytes passed the check and NftMatch threw ArgumentException.
    [TestCase("iifname \"ééééééééé\"", "\"ééééééééé\"")]
    public void OtherNftConditionsAreRefusedNamingTheToken(string condition, string token)
    {
        var e = Assert.Throws<CniException>(() => NftConditions.Parse([condition], AddressFamily.InterNetwork, "conditionsV4"))!;
        Assert.That(e.Code, Is.EqualTo(7));
        Assert.That(e.Msg, Does.StartWith($"portmap: unsupported nftables condition {token} in conditionsV4"));
    }
}
