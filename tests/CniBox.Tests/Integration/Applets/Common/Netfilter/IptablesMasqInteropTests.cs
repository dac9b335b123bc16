using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Netfilter;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Netfilter;

/// <summary>
/// ipMasq interop with Debian's Go bridge (1.1.1, which masquerades with iptables only; on Debian that is
/// iptables-nft): what Go adds our DEL removes, what our iptables backend adds is Go's exact layout and Go's DEL
/// removes it, and rules held by iptables-legacy are removed too. All inside a cbt-* host-like namespace.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class IptablesMasqInteropTests
{
    private const string Network = "cbt-mqi";
    private NetHarness _h = null!;
    private TestNetns _c = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequireGoPlugin("bridge");
        Assume.That(File.Exists("/usr/sbin/iptables") && File.Exists("/usr/sbin/iptables-legacy"), "iptables is not installed");
        _h = new NetHarness("mqi");
        _c = _h.Container("mqic");
    }

    [TearDown]
    public void Destroy() => _h.Dispose();

    private string Conf(string extra = "") => NetHarness.Conf("bridge", "1.0.0",
        _h.HostLocal("10.199.126.0/24 fd99:0:126::/64"), $",\"bridge\":\"cbtmqi0\",\"isGateway\":true,\"ipMasq\":true{extra}", Network);

    private ProcessResult Ours(string verb, string conf) => _h.Run(Binaries.Applet("bridge"), verb, conf, _c.Path, "cbt-c1");

    private ProcessResult Go(string verb, string conf) => _h.Run(Binaries.GoPlugin("bridge"), verb, conf, _c.Path, "cbt-c1", goPath: true);

    private string InHost(string program, params string[] args) => NftTestNetns.Run("ip", ["netns", "exec", _h.Host.Name, program, .. args]);

    /// <summary>The nat rules and chains of both families as iptables-save prints them (no comments, counters or dates).</summary>
    private string NatRules(string save = "iptables-save") =>
        string.Join("\n", new[] { save, save.Replace("iptables", "ip6tables") }
            .SelectMany(tool => InHost(tool, "-t", "nat").Split('\n'))
            .Where(l => l.StartsWith("-A ") || l.StartsWith(":CNI-")));

    private static string Chain => IptablesMasqueradeNames.ChainName(Network, "cbt-c1");

    [Test]
    public void OurDelRemovesWhatTheGoBridgeAdded()
    {
        CniAssert.Success(Go("ADD", Conf()));
        Assert.That(NatRules(), Does.Contain($"-A POSTROUTING -s 10.199.126.2/32").And.Contain($"-j {Chain}"));
        Assert.That(NatRules(), Does.Contain("-A POSTROUTING -s fd99:0:126::2/128"));

        CniAssert.SilentSuccess(Ours("DEL", Conf()));
        Assert.That(NatRules(), Is.Empty, "the CNI chain and the POSTROUTING jumps are gone in both families");
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }

    [Test]
    public void OurIptablesBackendWritesGoLayoutAndTheGoBridgeRemovesIt()
    {
        CniAssert.Success(Go("ADD", Conf()));
        var goRules = NatRules();
        CniAssert.SilentSuccess(Go("DEL", Conf()));
        Assert.That(NatRules(), Is.Empty);

        // Same dataDir history, so ours gets the next addresses; compare with Go's after renumbering .2 -> .3.
        CniAssert.Success(Ours("ADD", Conf(",\"ipMasqBackend\":\"iptables\"")));
        Assert.That(NatRules(), Is.EqualTo(goRules.Replace("10.199.126.2/32", "10.199.126.3/32").Replace("fd99:0:126::2/128", "fd99:0:126::3/128")));
        Assert.That(InHost("nft", "list", "tables"), Does.Not.Contain(Masquerade.Table), "the iptables backend does not touch nf_tables' masquerade table");

        CniAssert.SilentSuccess(Go("DEL", Conf()));
        Assert.That(NatRules(), Is.Empty, "Go's DEL removed what our iptables backend added");
    }

    [Test]
    public void RulesHeldByIptablesLegacyAreRemovedAndForeignOnesKept()
    {
        string comment = IptablesMasqueradeNames.Comment(Network, "cbt-c1");
        InHost("iptables-legacy", "-t", "nat", "-N", Chain);
        InHost("iptables-legacy", "-t", "nat", "-A", Chain, "-d", "10.199.126.0/24", "-j", "ACCEPT", "-m", "comment", "--comment", comment);
        InHost("iptables-legacy", "-t", "nat", "-A", Chain, "!", "-d", "224.0.0.0/4", "-j", "MASQUERADE", "-m", "comment", "--comment", comment);
        InHost("iptables-legacy", "-t", "nat", "-A", "POSTROUTING", "-s", "10.199.126.200", "-j", "ACCEPT");
        InHost("iptables-legacy", "-t", "nat", "-A", "POSTROUTING", "-s", "10.199.126.9", "-j", Chain, "-m", "comment", "--comment", comment);

        CniAssert.SilentSuccess(_h.Run(Binaries.Applet("bridge"), "DEL", Conf(), "", "cbt-c1"));
        Assert.That(NatRules("iptables-legacy-save"), Is.EqualTo("-A POSTROUTING -s 10.199.126.200/32 -j ACCEPT"));
    }
}
