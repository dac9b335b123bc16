using System.Text;
using CniBox.Applets.Common.Iptables;
using CniBox.Tests.Support;
using CniBox.Tests.Unit.Netlink.Netfilter.Xtables;

namespace CniBox.Tests.Integration.Applets.Common.Iptables;

/// <summary>
/// <see cref="IptablesNft"/> against the real iptables-nft 1.8.9 in throwaway namespaces, with the commands of every
/// captured scenario (firewall, ipMasq and portmap shapes, v4 and v6): iptables-save is the same whoever made the
/// rules, iptables sees, checks and deletes ours, and ours finds and deletes iptables'.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class IptablesNftTests
{
    private static IEnumerable<TestCaseData> Scenarios() =>
        XtCaptures.Commands.Select(c => c.Scenario).Distinct().Select(s => new TestCaseData(s).SetArgDisplayNames(s));

    [SetUp]
    public void RequireRoot() => TestNetns.RequireRoot();

    [TestCaseSource(nameof(Scenarios))]
    public void SaveAfterOursEqualsSaveAfterIptables(string scenario)
    {
        var commands = Commands(scenario);
        bool v6 = commands[0].Ipv6;
        using var theirs = new IptablesNftNode();
        using var ours = new IptablesNftNode();
        using IptablesNft ipt = ours.Ours(v6);
        foreach (XtCommand c in commands)
        {
            Assert.That(theirs.Theirs(v6, [.. c.Args]).Exit, Is.Zero, string.Join(' ', c.Args));
            Apply(ipt, c);
        }
        Assert.That(ours.Save(v6), Does.Contain($"*{commands[0].Table}\n").And.Contains("\n-A "));
        Assert.That(ours.Save(v6), Is.EqualTo(theirs.Save(v6)));
    }

    [TestCaseSource(nameof(Scenarios))]
    public void IptablesListsChecksAndDeletesOurs(string scenario)
    {
        var commands = Commands(scenario);
        bool v6 = commands[0].Ipv6;
        string table = commands[0].Table;
        using var node = new IptablesNftNode();
        using (IptablesNft ipt = node.Ours(v6))
            foreach (XtCommand c in commands)
                Apply(ipt, c);
        foreach (string chain in Chains(commands))
        {
            IReadOnlyList<string> listed = node.Ours(v6).ListRules(table, chain);
            Assert.That(node.Theirs(v6, "-t", table, "-S", chain).Stdout.TrimEnd('\n').Split('\n'), Is.EqualTo(listed), chain);
            foreach (string line in listed.Where(l => l.StartsWith("-A ", StringComparison.Ordinal)))
            {
                string[] spec = Split(line)[2..];
                Assert.That(node.Theirs(v6, ["-t", table, "-C", chain, .. spec]).Exit, Is.Zero, "-C " + line);
                Assert.That(node.Theirs(v6, ["-t", table, "-D", chain, .. spec]).Exit, Is.Zero, "-D " + line);
            }
            Assert.That(node.Ours(v6).ListRules(table, chain), Has.Count.EqualTo(1), chain);
        }
    }

    [TestCaseSource(nameof(Scenarios))]
    public void OursFindsAndDeletesIptablesRules(string scenario)
    {
        var commands = Commands(scenario);
        bool v6 = commands[0].Ipv6;
        string table = commands[0].Table;
        using var node = new IptablesNftNode();
        foreach (XtCommand c in commands)
            node.Theirs(v6, [.. c.Args]);
        using IptablesNft ipt = node.Ours(v6);
        foreach (string chain in Chains(commands))
        {
            string[] lines = node.Theirs(v6, "-t", table, "-S", chain).Stdout.TrimEnd('\n').Split('\n');
            Assert.That(ipt.ListRules(table, chain), Is.EqualTo(lines), chain);
            foreach (string line in lines.Where(l => l.StartsWith("-A ", StringComparison.Ordinal)))
            {
                string[] spec = Split(line)[2..];
                Assert.That(ipt.Exists(table, chain, spec), Is.True, line);
                Assert.That(ipt.DeleteIfExists(table, chain, spec), Is.True, line);
                Assert.That(ipt.Exists(table, chain, spec), Is.False, line);
            }
            Assert.That(node.Theirs(v6, "-t", table, "-S", chain).Stdout.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), chain);
        }
    }

    [Test]
    public void ForeignRuleEqualsNothingAndStays()
    {
        using var node = new IptablesNftNode();
        using IptablesNft ipt = node.Ours(ipv6: false);
        ipt.EnsureChain("filter", "CNI-FORWARD");
        NftTestNetns.Run("ip", ["netns", "exec", node.Netns.Name, "nft", "add", "rule", "ip", "filter", "CNI-FORWARD", "ct", "state", "established", "accept"]);
        using IptablesNft fresh = node.Ours(ipv6: false);
        string[] rule = ["-m", "conntrack", "--ctstate", "ESTABLISHED", "-j", "ACCEPT"];
        Assert.That(fresh.ListRules("filter", "CNI-FORWARD")[1], Does.Contain("foreign rule"));
        Assert.That(fresh.Exists("filter", "CNI-FORWARD", rule), Is.False);
        Assert.That(fresh.DeleteIfExists("filter", "CNI-FORWARD", rule), Is.False);
        Assert.That(fresh.ListRules("filter", "CNI-FORWARD"), Has.Count.EqualTo(2));
    }

    [Test]
    public void MissingChainIsNotAnErrorForChecksAndDeletes()
    {
        using var node = new IptablesNftNode();
        using IptablesNft ipt = node.Ours(ipv6: true);
        string[] rule = ["-s", "fd99:150::2/128", "-j", "ACCEPT"];
        Assert.That(ipt.ChainExists("filter", "CNI-FORWARD"), Is.False);
        Assert.That(ipt.Exists("filter", "CNI-FORWARD", rule), Is.False);
        Assert.That(ipt.DeleteIfExists("filter", "CNI-FORWARD", rule), Is.False);
        Assert.DoesNotThrow(() => ipt.ClearAndDeleteChain("filter", "CNI-FORWARD"));
        Assert.That(ipt.ChainExists("filter", "FORWARD"), Is.True, "built-in chains exist before iptables-nft creates them");
        Assert.That(() => ipt.Append("filter", "CNI-FORWARD", rule), Throws.TypeOf<CniBox.Spec.CniException>().With.Message.Contains("No chain"));
    }

    [Test]
    public void EnsureChainAcceptsAChainAnotherProcessMadeMeanwhile()
    {
        using var node = new IptablesNftNode();
        using IptablesNft ipt = node.Ours(ipv6: false);
        ipt.EnsureChain("filter", "CNI-ADMIN");
        Assert.That(ipt.ChainExists("filter", "CNI-FORWARD"), Is.False);
        Assert.That(node.Theirs(false, "-t", "filter", "-N", "CNI-FORWARD").Exit, Is.Zero);
        Assert.DoesNotThrow(() => ipt.EnsureChain("filter", "CNI-FORWARD"));
        ipt.Append("filter", "CNI-FORWARD", ["-s", "10.199.150.2/32", "-j", "ACCEPT"]);
        Assert.That(node.Theirs(false, "-t", "filter", "-C", "CNI-FORWARD", "-s", "10.199.150.2/32", "-j", "ACCEPT").Exit, Is.Zero);
    }

    [TestCase(false, "10.199.150.2/32")]
    [TestCase(true, "fd99:150::2/128")]
    public void ARuleKeptByItsHandleIsDeletedByItWhileItHoldsThatRuleOnly(bool v6, string address)
    {
        using var node = new IptablesNftNode();
        string[] accept = ["-s", address, "-j", "ACCEPT"], other = ["-d", address, "-j", "ACCEPT"];
        ulong handle;
        using (IptablesNft ipt = node.Ours(v6))
        {
            ipt.EnsureChain("filter", "CNI-FORWARD");
            handle = ipt.AppendKeepingHandle("filter", "CNI-FORWARD", accept);
            Assert.That(ipt.DeleteByHandle("filter", "CNI-FORWARD", handle, other), Is.False, "the handle holds another rule");
            Assert.That(ipt.DeleteByHandle("filter", "CNI-FORWARD", handle + 1000, accept), Is.False, "no rule has that handle");
        }
        Assert.That(node.Theirs(v6, ["-C", "CNI-FORWARD", .. accept]).Exit, Is.Zero, "iptables sees the kept rule");
        using (IptablesNft ipt = node.Ours(v6))
            Assert.That(ipt.DeleteByHandle("filter", "CNI-FORWARD", handle, accept), Is.True);
        Assert.That(node.Theirs(v6, ["-C", "CNI-FORWARD", .. accept]).Exit, Is.Not.Zero, "deleted by its handle");

        Assert.That(node.Theirs(v6, ["-A", "CNI-FORWARD", .. accept]).Exit, Is.Zero);
        using (IptablesNft ipt = node.Ours(v6))
            Assert.That(ipt.DeleteByHandle("filter", "CNI-FORWARD", handle, accept), Is.False, "the same rule written again has a new handle");
    }

    /// <summary>Several rules in one batch: each by the first of its handles that still holds it; a rule none holds is
    /// reported so (its caller then looks for it by content), and the others are deleted all the same.</summary>
    [Test]
    public void RulesDeletedByHandlesTogetherAreEachReported()
    {
        using var node = new IptablesNftNode();
        string[] first = ["-s", "10.199.150.3/32", "-j", "ACCEPT"], second = ["-d", "10.199.150.3/32", "-j", "ACCEPT"];
        string[] stale = ["-s", "10.199.150.4/32", "-j", "ACCEPT"];
        using (IptablesNft ipt = node.Ours(false))
        {
            ipt.EnsureChain("filter", "CNI-FORWARD");
            ulong a = ipt.AppendKeepingHandle("filter", "CNI-FORWARD", first);
            ulong b = ipt.AppendKeepingHandle("filter", "CNI-FORWARD", second);
            ipt.AppendKeepingHandle("filter", "CNI-FORWARD", stale);
            var deleted = ipt.DeleteByHandles("filter", "CNI-FORWARD",
                [new HandledRule(first, [b + 1000, a]), new HandledRule(second, [b]), new HandledRule(stale, [a])]);
            Assert.That(deleted, Is.EqualTo(new[] { true, true, false }));
        }
        Assert.That(node.Theirs(false, ["-C", "CNI-FORWARD", .. first]).Exit, Is.Not.Zero);
        Assert.That(node.Theirs(false, ["-C", "CNI-FORWARD", .. second]).Exit, Is.Not.Zero);
        Assert.That(node.Theirs(false, ["-C", "CNI-FORWARD", .. stale]).Exit, Is.Zero, "its handle held another rule");
    }

    private static List<XtCommand> Commands(string scenario) => XtCaptures.Commands.Where(c => c.Scenario == scenario).ToList();

    private static IEnumerable<string> Chains(IEnumerable<XtCommand> commands) =>
        commands.Select(c => c.Args[3]).Where(c => c != "CNI-CBT-GONE").Distinct();

    /// <summary>go-iptables' operation for one captured iptables command.</summary>
    private static void Apply(IptablesNft ipt, XtCommand c)
    {
        string table = c.Table, chain = c.Args[3];
        var rest = c.Args.Skip(4).ToList();
        switch (c.Args[2])
        {
            case "-N": ipt.EnsureChain(table, chain); break;
            case "-A": ipt.Append(table, chain, rest); break;
            case "-I": ipt.Insert(table, chain, int.Parse(rest[0]), rest[1..]); break;
            case "-C": Assert.That(ipt.Exists(table, chain, rest), Is.True); break;
            case "-D": Assert.That(ipt.DeleteIfExists(table, chain, rest), Is.True); break;
            case "-F": break;
            case "-X": ipt.ClearAndDeleteChain(table, chain); break;
            default: throw new AssertionException($"no operation for {c.Args[2]}");
        }
    }

    /// <summary>An <c>iptables -S</c> line back into arguments: words, or double-quoted with backslash escapes.</summary>
    private static string[] Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted && ch == '\\' && i + 1 < line.Length) { word.Append(line[++i]); continue; }
            if (ch == '"') { quoted = !quoted; any = true; continue; }
            if (ch == ' ' && !quoted)
            {
                if (word.Length > 0 || any) words.Add(word.ToString());
                word.Clear();
                any = false;
                continue;
            }
            word.Append(ch);
        }
        if (word.Length > 0 || any) words.Add(word.ToString());
        return [.. words];
    }
}
