using System.Text;
using CniBox.Applets.Firewall;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Firewall;

/// <summary>firewall's keys, defaults and refusals as upstream 1.9.1's parseConf, plus our code 7 for a backend, without root.</summary>
public class FirewallConfigTests
{
    private static FirewallConfig Parse(string keys, bool checkPolicy = true) =>
        FirewallConfig.Parse(Encoding.UTF8.GetBytes(Conf(keys)), checkPolicy);

    private static string Conf(string keys) =>
        ("{'cniVersion':'1.0.0','name':'mynet','type':'firewall'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"');

    [Test]
    public void Defaults()
    {
        var c = Parse("");
        Assert.That((c.Backend, c.AdminChain, c.FirewalldZone, c.IngressPolicy), Is.EqualTo(("", "CNI-ADMIN", "trusted", IngressPolicy.Open)));
    }

    [Test]
    public void EveryKey()
    {
        var c = Parse("'backend':'nftables','iptablesAdminChainName':'MY-ADMIN','firewalldZone':'public','ingressPolicy':'isolated'");
        Assert.That((c.Backend, c.AdminChain, c.FirewalldZone, c.IngressPolicy), Is.EqualTo(("nftables", "MY-ADMIN", "public", IngressPolicy.Isolated)));
    }

    [Test]
    public void KeysMatchCaseInsensitivelyAsGoDoes() =>
        Assert.That(Parse("'Backend':'iptables','IngressPolicy':'same-bridge'").IngressPolicy, Is.EqualTo(IngressPolicy.SameBridge));

    [TestCase("''", "")]
    [TestCase("'iptables'", "iptables")]
    [TestCase("'firewalld'", "firewalld")]
    [TestCase("'nftables'", "nftables")]
    public void KnownBackends(string value, string expected) => Assert.That(Parse("'backend':" + value).Backend, Is.EqualTo(expected));

    [Test]
    public void EmptyAdminChainAndZoneTakeTheDefaults()
    {
        var c = Parse("'iptablesAdminChainName':'','firewalldZone':''");
        Assert.That((c.AdminChain, c.FirewalldZone), Is.EqualTo(("CNI-ADMIN", "trusted")));
    }

    [TestCase("''", IngressPolicy.Open)]
    [TestCase("'open'", IngressPolicy.Open)]
    [TestCase("'same-bridge'", IngressPolicy.SameBridge)]
    [TestCase("'isolated'", IngressPolicy.Isolated)]
    public void Policies(string value, IngressPolicy expected) => Assert.That(Parse("'ingressPolicy':" + value).IngressPolicy, Is.EqualTo(expected));

    [Test]
    public void UnknownBackendIsCode7NamingItAndTheAcceptedOnes()
    {
        var e = Assert.Throws<CniException>(() => Parse("'backend':'ebpf'"))!;
        Assert.That(e.Code, Is.EqualTo(7));
        Assert.That(e.Msg, Does.StartWith("unknown firewall backend \"ebpf\": use \"iptables\", \"nftables\" or \"firewalld\""));
    }

    [Test]
    public void UnknownPolicyIsGosPlainError()
    {
        var e = Assert.Throws<CniException>(() => Parse("'ingressPolicy':'closed'"))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((999, "unknown ingress policy: \"closed\"")));
    }

    [Test]
    public void CheckDoesNotLookAtThePolicy() => Assert.That(Parse("'ingressPolicy':'closed'", checkPolicy: false).IngressPolicy, Is.EqualTo(IngressPolicy.Open));

    [TestCase("'backend':1", "failed to load netconf: json: cannot unmarshal number into Go struct field FirewallNetConf.backend of type string")]
    [TestCase("'ingressPolicy':true", "failed to load netconf: json: cannot unmarshal bool into Go struct field FirewallNetConf.ingressPolicy of type string")]
    public void WrongTypesAreCode6WithGosText(string keys, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((6, message)));
    }
}
