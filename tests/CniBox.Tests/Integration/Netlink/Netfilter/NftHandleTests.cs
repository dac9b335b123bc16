using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Socket;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Netlink.Netfilter;

/// <summary>Tables, chains, rules, listings and errors, only ever inside a fresh cbt-nft-* namespace.</summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class NftHandleTests
{
    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    [Test]
    public void TablesChainsAndRulesAreCreatedListedAndDeleted()
    {
        using var t = new NftTestNetns();
        var post = new NftChain(NftFamily.Inet, "cbt_t", "post", new NftBaseChain("nat", Nft.NF_INET_POST_ROUTING, 100), "base chain");
        var checks = new NftChain(NftFamily.Inet, "cbt_t", "checks");
        var masq = new NftRule(NftFamily.Inet, "cbt_t", "checks",
            [.. NftMatch.NfProto(AddressFamily.InterNetwork), .. NftMatch.Source(IPAddress.Parse("10.199.0.2")),
             .. NftMatch.Destination(IPNetwork.Parse("10.199.0.0/24"), equal: false), new MasqExpr()], "x");
        var v6 = new NftRule(NftFamily.Inet, "cbt_t", "checks",
            [.. NftMatch.NfProto(AddressFamily.InterNetworkV6), .. NftMatch.Source(IPAddress.Parse("fd99::2")),
             .. NftMatch.Destination(IPNetwork.Parse("fd99::/63"), equal: false), new CounterExpr(), new MasqExpr()], "y");
        var jump = new NftRule(NftFamily.Inet, "cbt_t", "post", [.. NftMatch.OifName("v0"), VerdictExpr.Jump("checks")]);
        t.Nft.Commit(new NftBatch().AddTable(NftFamily.Inet, "cbt_t", "tc").AddChain(checks).AddChain(post)
            .AddRule(masq).AddRule(v6).AddRule(jump));

        Assert.That(t.Nft.ListTables(NftFamily.Inet).Single(), Is.EqualTo(t.Nft.ListTables().Single()).And.Property("Comment").EqualTo("tc"));
        var chains = t.Nft.ListChains(NftFamily.Inet, "cbt_t");
        Assert.That(chains.Select(c => (c.Name, c.Base, c.Comment)), Is.EquivalentTo(new[]
        {
            ("checks", (NftBaseChain?)null, (string?)null),
            ("post", new NftBaseChain("nat", Nft.NF_INET_POST_ROUTING, 100, Nft.NF_ACCEPT), "base chain"),
        }), "the kernel reports the default policy (accept) that the request left out");
        var rules = t.Nft.ListRules(NftFamily.Inet, "cbt_t", "checks");
        Assert.That(rules.Select(r => r.Comment), Is.EqualTo(new[] { "x", "y" }));
        Assert.That(rules[0].Expressions, Is.EqualTo(new[] { "meta", "cmp", "payload", "cmp", "payload", "cmp", "masq" }));
        Assert.That(rules[1].Handle, Is.GreaterThan(rules[0].Handle));

        // The oracle: Debian's nft reads back the same program we meant.
        string text = t.Ruleset();
        Assert.That(text, Does.Contain("table inet cbt_t {").And.Contain("comment \"tc\""));
        Assert.That(text, Does.Contain("type nat hook postrouting priority srcnat; policy accept;"));
        Assert.That(text, Does.Contain("ip saddr 10.199.0.2 ip daddr != 10.199.0.0/24 masquerade comment \"x\""));
        Assert.That(text, Does.Contain("ip6 saddr fd99::2 ip6 daddr != fd99::/63 counter packets 0 bytes 0 masquerade comment \"y\""));
        Assert.That(text, Does.Contain("oifname \"v0\" jump checks"));
        Assert.That(t.JsonRuleComments("inet", "cbt_t", "checks"), Is.EqualTo(new[] { "x", "y" }));

        Assert.That(t.Nft.DeleteRulesByComment(NftFamily.Inet, "cbt_t", "checks", c => c == "x"), Is.EqualTo(1));
        Assert.That(t.JsonRuleComments("inet", "cbt_t", "checks"), Is.EqualTo(new[] { "y" }));
        Assert.That(t.Nft.DeleteRulesByComment(NftFamily.Inet, "cbt_t", "checks", c => c == "x"), Is.Zero, "nothing left to delete");

        t.Nft.Commit(new NftBatch().FlushChain(NftFamily.Inet, "cbt_t", "post"));
        Assert.That(t.Nft.ListRules(NftFamily.Inet, "cbt_t", "post"), Is.Empty);
        t.Nft.Commit(new NftBatch().DeleteChain(NftFamily.Inet, "cbt_t", "checks"));
        Assert.That(t.Nft.ListChains(NftFamily.Inet, "cbt_t").Select(c => c.Name), Is.EqualTo(new[] { "post" }));
        t.Nft.Commit(new NftBatch().DeleteTable(NftFamily.Inet, "cbt_t"));
        Assert.That(t.Nft.ListTables(), Is.Empty);
        Assert.That(t.Ruleset().Trim(), Is.Empty);
        Assert.That(t.Nft.ListRules(NftFamily.Inet, "cbt_t", "checks"), Is.Empty, "a missing table lists as empty");
    }

    [Test]
    public void AddingAnExistingTableOrChainKeepsItAndItsRules()
    {
        using var t = new NftTestNetns();
        var chain = new NftChain(NftFamily.Ip, "cbt_t", "c");
        var rule = new NftRule(NftFamily.Ip, "cbt_t", "c", [VerdictExpr.Accept], "keep");
        t.Nft.Commit(new NftBatch().AddTable(NftFamily.Ip, "cbt_t").AddChain(chain).AddRule(rule));
        t.Nft.Commit(new NftBatch().AddTable(NftFamily.Ip, "cbt_t").AddChain(chain));
        Assert.That(t.Nft.ListRules(NftFamily.Ip, "cbt_t", "c").Single().Comment, Is.EqualTo("keep"));
    }

    [Test]
    public void ARefusedMessageIsNamedAndNothingOfTheBatchIsApplied()
    {
        using var t = new NftTestNetns();
        var batch = new NftBatch()
            .AddTable(NftFamily.Inet, "cbt_t")
            .AddChain(new NftChain(NftFamily.Inet, "cbt_t", "ok"))
            .AddRule(new NftRule(NftFamily.Inet, "cbt_t", "missing", [VerdictExpr.Accept], "bad"));
        var e = Assert.Throws<NftBatchException>(() => t.Nft.Commit(batch))!;
        Assert.That((e.Errno, e.FailedIndex, e.FailedMessage), Is.EqualTo((Errno.ENOENT, 2, "add rule inet cbt_t missing comment \"bad\"")));
        Assert.That(e.Message, Does.StartWith("netlink: nf_tables batch, message 3 of 3 (add rule inet cbt_t missing comment \"bad\"): "));
        Assert.That(t.Nft.ListTables(), Is.Empty, "the batch is atomic: the table of message 1 was rolled back");

        var jumpToNowhere = new NftBatch().AddTable(NftFamily.Inet, "cbt_t").AddChain(new NftChain(NftFamily.Inet, "cbt_t", "c"))
            .AddRule(new NftRule(NftFamily.Inet, "cbt_t", "c", [VerdictExpr.Jump("nowhere")]));
        Assert.That(Assert.Throws<NftBatchException>(() => t.Nft.Commit(jumpToNowhere))!.FailedIndex, Is.EqualTo(2));
        Assert.That(t.Nft.ListTables(), Is.Empty);
    }

    [Test]
    public void ABatchOfAThousandRulesCommitsAndLists()
    {
        using var t = new NftTestNetns();
        var batch = new NftBatch().AddTable(NftFamily.Ip, "cbt_t").AddChain(new NftChain(NftFamily.Ip, "cbt_t", "c"));
        for (int i = 0; i < 1000; i++)
            batch.AddRule(new NftRule(NftFamily.Ip, "cbt_t", "c",
                [.. NftMatch.Source(new IPAddress([10, 199, (byte)(i / 250), (byte)(i % 250 + 1)])), VerdictExpr.Accept], $"r{i}"));
        t.Nft.Commit(batch);
        Assert.That(t.Nft.ListRules(NftFamily.Ip, "cbt_t", "c"), Has.Count.EqualTo(1000));
        Assert.That(t.Nft.DeleteRulesByComment(NftFamily.Ip, "cbt_t", "c", _ => true), Is.EqualTo(1000));
    }

    [Test]
    public void WithoutCAPNETADMINNetfilterRefusesWithAClearException()
    {
        using var netns = new TestNetns("nft");
        Exception? caught = null;
        // Capabilities are per thread on Linux: drop CAP_NET_ADMIN from this thread only, then open and use the socket.
        var thread = new Thread(() =>
        {
            try
            {
                DropNetAdmin();
                using NetNsHandle ns = NetNsHandle.Open(netns.Path);
                using var nft = NftHandle.Open(ns);
                try
                {
                    nft.Commit(new NftBatch().AddTable(NftFamily.Inet, "cbt_t"));
                }
                catch (Exception e)
                {
                    caught = e;
                }
                Assert.Throws<NetlinkException>(() => nft.ListTables());
            }
            catch (Exception e)
            {
                caught ??= e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.That(caught, Is.TypeOf<NftBatchException>());
        var e = (NftBatchException)caught!;
        Assert.That((e.Errno, e.FailedIndex, e.FailedMessage), Is.EqualTo((Errno.EPERM, -1, "batch")));
        Assert.That(e.Message, Does.StartWith("netlink: nf_tables batch of 1 messages: operation not permitted (EPERM"));
        Assert.That(NftTestNetns.Run("ip", ["netns", "exec", netns.Name, "nft", "list", "ruleset"]).Trim(), Is.Empty);
    }

    private const int CAP_NET_ADMIN = 12;

    [StructLayout(LayoutKind.Sequential)]
    private struct CapHeader { public uint Version; public int Pid; }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapData { public uint Effective, Permitted, Inheritable; }

    [DllImport("libc", SetLastError = true)]
    private static extern int capget(ref CapHeader header, [Out] CapData[] data);

    [DllImport("libc", SetLastError = true)]
    private static extern int capset(ref CapHeader header, CapData[] data);

    [DllImport("libc")]
    private static extern int gettid();

    /// <summary>Clears CAP_NET_ADMIN from the calling thread's effective set (capset v3 on this tid).</summary>
    private static void DropNetAdmin()
    {
        var header = new CapHeader { Version = 0x20080522, Pid = gettid() };
        var data = new CapData[2];
        Assert.That(capget(ref header, data), Is.Zero, "capget");
        data[0].Effective &= ~(1u << CAP_NET_ADMIN);
        Assert.That(capset(ref header, data), Is.Zero, $"capset: errno {Marshal.GetLastPInvokeError()}");
    }
}
