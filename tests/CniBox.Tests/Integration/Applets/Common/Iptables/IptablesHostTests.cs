using CniBox.Applets.Common.Iptables;
using CniBox.Netlink.Namespaces;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Iptables;

/// <summary>
/// Which iptables <see cref="IptablesHost.Open"/> picks per family in a throwaway cbt-xt namespace, and go-iptables'
/// operations by running iptables-legacy where legacy tables are in use (this kernel makes them per namespace).
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class IptablesHostTests
{
    [SetUp]
    public void RequireRoot() => TestNetns.RequireRoot();

    [Test]
    public void NetlinkUnlessTheFamilyHasLegacyTables()
    {
        using var ns = new TestNetns("xt");
        using NetNsHandle handle = NetNsHandle.Open(ns.Path);
        Assert.That(NetNs.Run(handle, () => Describe(false) + " / " + Describe(true)), Is.EqualTo("iptables-nft (netlink) / ip6tables-nft (netlink)"));
        NftTestNetns.Run("ip", ["netns", "exec", ns.Name, "iptables-legacy", "-t", "filter", "-S"]);
        Assert.That(NetNs.Run(handle, () => Describe(false) + " / " + Describe(true)), Is.EqualTo("iptables-legacy / ip6tables-nft (netlink)"));
    }

    [Test]
    public void LegacyProgramsDoGoIptablesOperations()
    {
        using var ns = new TestNetns("xt");
        using NetNsHandle handle = NetNsHandle.Open(ns.Path);
        NftTestNetns.Run("ip", ["netns", "exec", ns.Name, "iptables-legacy", "-t", "filter", "-S"]);
        string[] accept = ["-s", "10.199.150.2/32", "-j", "ACCEPT"];
        string[] jump = ["-m", "comment", "--comment", "CNI firewall plugin rules", "-j", "CNI-FORWARD"];
        NetNs.Run(handle, () =>
        {
            IIptables ipt = IptablesHost.Open(false);
            Assert.That(ipt, Is.TypeOf<IptablesProcess>());
            Assert.That(ipt.ChainExists("filter", "CNI-FORWARD"), Is.False);
            ipt.EnsureChain("filter", "CNI-FORWARD");
            ipt.EnsureChain("filter", "CNI-FORWARD");
            Assert.That(ipt.Exists("filter", "CNI-FORWARD", accept), Is.False);
            ipt.InsertUnique("filter", "CNI-FORWARD", accept);
            ipt.InsertUnique("filter", "CNI-FORWARD", accept);
            ipt.Insert("filter", "FORWARD", 1, jump);
            Assert.That(ipt.ListRules("filter", "CNI-FORWARD"), Is.EqualTo(new[] { "-N CNI-FORWARD", "-A CNI-FORWARD -s 10.199.150.2/32 -j ACCEPT" }));
            Assert.That(ipt.DeleteIfExists("filter", "FORWARD", jump), Is.True);
            Assert.That(ipt.DeleteIfExists("filter", "FORWARD", jump), Is.False);
            ipt.ClearAndDeleteChain("filter", "CNI-FORWARD");
            ipt.ClearAndDeleteChain("filter", "CNI-FORWARD");
            Assert.That(ipt.ChainExists("filter", "CNI-FORWARD"), Is.False);
        });
        Assert.That(NftTestNetns.Run("ip", ["netns", "exec", ns.Name, "iptables-nft-save"]), Does.Not.Contain("CNI-FORWARD"), "nothing went to nf_tables");
    }

    private static string Describe(bool ipv6)
    {
        IIptables ipt = IptablesHost.Open(ipv6);
        (ipt as IDisposable)?.Dispose();
        return ipt.Describe;
    }
}
