using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Firewall;

/// <summary>
/// The published applet with the iptables backend in a node namespace, read back with <c>iptables -S</c>: Go's layout
/// line for line, the auto choice on a node with iptables tables, isolation and its cleanup with the last attachment,
/// DEL without a prevResult, CHECK's texts, and the rollback of an ADD whose isolation step fails.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class IptablesFirewallNodeTests
{
    private const string Rules = "-m comment --comment \"CNI firewall plugin rules\" -j CNI-FORWARD";
    private const string Shared = "-m comment --comment \"CNI firewall plugin rules (ingressPolicy: same-bridge|isolated)\"";
    private FirewallNode _node = null!;

    [SetUp]
    public void Create()
    {
        TestNetns.RequireRoot();
        _node = new FirewallNode("i");
    }

    [TearDown]
    public void Destroy() => _node.Dispose();

    private static string[] Chain(string[] lines, string chain) => [.. lines.Where(l => l.StartsWith($"-A {chain} ", StringComparison.Ordinal))];

    [Test]
    public void AddWritesGosLayoutAndDelRemovesTheContainersRules()
    {
        var conf = _node.Conf(",\"backend\":\"iptables\"", "cbtfw0", "10.199.202.2/24", "fd99:200::2/64");
        CniAssert.Success(_node.Run("ADD", conf, "c1"));
        foreach (var (v6, ip) in new[] { (false, "10.199.202.2/32"), (true, "fd99:200::2/128") })
        {
            var lines = _node.IptablesS(v6);
            Assert.That(lines, Does.Contain("-N CNI-ADMIN").And.Contain("-N CNI-FORWARD"));
            Assert.That(Chain(lines, "FORWARD"), Is.EqualTo(new[] { "-A FORWARD " + Rules }));
            Assert.That(Chain(lines, "CNI-FORWARD"), Is.EqualTo(new[]
            {
                "-A CNI-FORWARD -m comment --comment \"CNI firewall plugin admin overrides\" -j CNI-ADMIN",
                $"-A CNI-FORWARD -d {ip} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                $"-A CNI-FORWARD -s {ip} -j ACCEPT",
            }));
        }
        CniAssert.SilentSuccess(_node.Run("CHECK", conf, "c1"));
        CniAssert.SilentSuccess(_node.Run("DEL", conf, "c1"));
        Assert.That(Chain(_node.IptablesS(), "CNI-FORWARD"), Has.Length.EqualTo(1));
        Assert.That(Chain(_node.IptablesS(true), "CNI-FORWARD"), Has.Length.EqualTo(1));
        CniAssert.SilentSuccess(_node.Run("DEL", conf, "c1"));
        Assert.That(Directory.Exists(_node.RecordDir), Is.False);
    }

    [Test]
    public void DelDeletesByTheRecordedHandlesAndByContentWhenTheyAreStale()
    {
        var conf = _node.Conf(",\"backend\":\"iptables\"", "cbtfw0", "10.199.204.2/24");
        CniAssert.Success(_node.Run("ADD", conf, "c1"));
        CniAssert.Success(_node.Run("ADD", _node.Conf(",\"backend\":\"iptables\"", "cbtfw0", "10.199.204.3/24"), "c2"));
        var record = File.ReadAllLines(Path.Combine(_node.RecordDir, "c1-eth0"));
        Assert.That(record.Count(l => l.StartsWith("handle 4 ", StringComparison.Ordinal)), Is.EqualTo(2), string.Join('\n', record));

        // The admin flushes CNI-FORWARD and writes c1's rules back: same rules, new handles.
        var before = Chain(_node.IptablesS(), "CNI-FORWARD");
        _node.Exec("iptables", "-F", "CNI-FORWARD");
        foreach (var line in before) _node.Exec("sh", "-c", "iptables " + line);
        CniAssert.SilentSuccess(_node.Run("DEL", conf, "c1"));
        Assert.That(Chain(_node.IptablesS(), "CNI-FORWARD"), Is.EqualTo(before.Where(l => !l.Contains("10.199.204.2/32")).ToArray()));
    }

    [Test]
    public void AutoChoosesIptablesOnANodeWithIptablesTablesAndLeavesIp6tablesAloneForV4()
    {
        _node.Exec("iptables", "-P", "FORWARD", "DROP");
        CniAssert.Success(_node.Run("ADD", _node.Conf("", "cbtfw0", "10.199.203.2/24"), "c1"));
        Assert.That(Chain(_node.IptablesS(), "CNI-FORWARD"), Has.Length.EqualTo(3));
        Assert.That(_node.Tables(), Does.Not.Contain("ip6").And.Not.Contain("cnibox_firewall"));
    }

    [Test]
    public void DelWithoutPrevResultRemovesWhatTheRecordNames()
    {
        CniAssert.Success(_node.Run("ADD", _node.Conf(",\"backend\":\"iptables\"", "cbtfw0", "10.199.202.3/24"), "c1"));
        CniAssert.Success(_node.Run("ADD", _node.Conf(",\"backend\":\"iptables\"", "cbtfw0", "10.199.202.4/24"), "c2"));
        CniAssert.SilentSuccess(_node.Run("DEL", _node.ConfWithoutPrevResult(""), "c1", netns: ""));
        Assert.That(Chain(_node.IptablesS(), "CNI-FORWARD"), Is.EqualTo(new[]
        {
            "-A CNI-FORWARD -m comment --comment \"CNI firewall plugin admin overrides\" -j CNI-ADMIN",
            "-A CNI-FORWARD -d 10.199.202.4/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A CNI-FORWARD -s 10.199.202.4/32 -j ACCEPT",
        }));
    }

    [Test]
    public void CheckNamesTheMissingRuleAsGoDoes()
    {
        var conf = _node.Conf(",\"backend\":\"iptables\"", "cbtfw0", "10.199.202.5/24");
        CniAssert.Success(_node.Run("ADD", conf, "c1"));
        _node.Exec("iptables", "-D", "CNI-FORWARD", "-s", "10.199.202.5/32", "-j", "ACCEPT");
        Assert.That(CniAssert.Error(_node.Run("CHECK", conf, "c1"), 999), Is.EqualTo("expected rule [-s 10.199.202.5/32 -j ACCEPT] not found"));
    }

    [Test]
    public void IsolationIsGosAndGoesWithTheBridgesLastAttachment()
    {
        string Conf(string policy, string bridge, string ip) => _node.Conf($",\"backend\":\"iptables\",\"ingressPolicy\":\"{policy}\"", bridge, ip);
        CniAssert.Success(_node.Run("ADD", Conf("same-bridge", "cbtfw0", "10.199.204.2/24"), "c1"));
        CniAssert.Success(_node.Run("ADD", Conf("isolated", "cbtfw0", "10.199.204.3/24"), "c2"));
        CniAssert.Success(_node.Run("ADD", Conf("same-bridge", "cbtfw1", "10.199.205.2/24"), "c3"));
        var lines = _node.IptablesS();
        Assert.That(Chain(lines, "FORWARD"), Is.EqualTo(new[] { $"-A FORWARD {Shared} -j CNI-ISOLATION-STAGE-1", "-A FORWARD " + Rules }));
        Assert.That(Chain(lines, "CNI-ISOLATION-STAGE-1"), Is.EqualTo(new[]
        {
            "-A CNI-ISOLATION-STAGE-1 -i cbtfw1 ! -o cbtfw1 -m comment --comment \"CNI firewall plugin rules (ingressPolicy: same-bridge)\" -j CNI-ISOLATION-STAGE-2",
            "-A CNI-ISOLATION-STAGE-1 -i cbtfw0 -o cbtfw0 -m comment --comment \"CNI firewall plugin rules (ingressPolicy: isolated)\" -j DROP",
            "-A CNI-ISOLATION-STAGE-1 -i cbtfw0 ! -o cbtfw0 -m comment --comment \"CNI firewall plugin rules (ingressPolicy: isolated)\" -j CNI-ISOLATION-STAGE-2",
            "-A CNI-ISOLATION-STAGE-1 -i cbtfw0 ! -o cbtfw0 -m comment --comment \"CNI firewall plugin rules (ingressPolicy: same-bridge)\" -j CNI-ISOLATION-STAGE-2",
            $"-A CNI-ISOLATION-STAGE-1 {Shared} -j RETURN",
        }));
        Assert.That(Chain(lines, "CNI-ISOLATION-STAGE-2"), Is.EqualTo(new[]
        {
            $"-A CNI-ISOLATION-STAGE-2 -o cbtfw1 {Shared} -j DROP", $"-A CNI-ISOLATION-STAGE-2 -o cbtfw0 {Shared} -j DROP",
            $"-A CNI-ISOLATION-STAGE-2 {Shared} -j RETURN",
        }));
        CniAssert.SilentSuccess(_node.Run("CHECK", Conf("isolated", "cbtfw0", "10.199.204.3/24"), "c2"));

        CniAssert.SilentSuccess(_node.Run("DEL", _node.ConfWithoutPrevResult(""), "c2"));
        Assert.That(string.Join('\n', _node.IptablesS()), Does.Not.Contain("(ingressPolicy: isolated)").And.Contain("-i cbtfw0 ! -o cbtfw0"));
        CniAssert.SilentSuccess(_node.Run("DEL", _node.ConfWithoutPrevResult(""), "c1"));
        Assert.That(string.Join('\n', _node.IptablesS()), Does.Not.Contain("cbtfw0").And.Contain("cbtfw1"));
        CniAssert.SilentSuccess(_node.Run("DEL", _node.ConfWithoutPrevResult(""), "c3"));
        lines = _node.IptablesS();
        Assert.That(lines.Where(l => l.Contains("ISOLATION")), Is.Empty);
        Assert.That(Chain(lines, "FORWARD"), Is.EqualTo(new[] { "-A FORWARD " + Rules }));
    }

    [Test]
    public void AnAddWhoseIsolationFailsLeavesNothing()
    {
        _node.Exec("iptables", "-P", "FORWARD", "DROP");
        var before = _node.Exec("iptables-save");
        var conf = _node.Conf(",\"backend\":\"iptables\",\"ingressPolicy\":\"same-bridge\"", "cbtfwnametoolong0", "10.199.206.2/24");
        Assert.That(CniAssert.Error(_node.Run("ADD", conf, "c1"), 999), Does.Contain("cbtfwnametoolong0"));
        Assert.That(Lines(_node.Exec("iptables-save")), Is.EqualTo(Lines(before)));
        Assert.That(Directory.Exists(_node.RecordDir), Is.False);
        CniAssert.SilentSuccess(_node.Run("DEL", conf, "c1"));
    }

    [Test]
    public void BadInputCreatesNothing()
    {
        Assert.That(CniAssert.Error(_node.Run("ADD", _node.Conf(",\"backend\":\"ebpf\"", "cbtfw0", "10.199.206.3/24"), "c1"), 7),
            Does.StartWith("unknown firewall backend \"ebpf\""));
        Assert.That(CniAssert.Error(_node.Run("ADD", _node.Conf(",\"ingressPolicy\":\"closed\"", "cbtfw0", "10.199.206.3/24"), "c1"), 999),
            Is.EqualTo("unknown ingress policy: \"closed\""));
        Assert.That(CniAssert.Error(_node.Run("ADD", _node.ConfWithoutPrevResult(""), "c1"), 999), Is.EqualTo("missing prevResult from earlier plugin"));
        Assert.That(_node.Tables(), Is.Empty);
    }

    private static string[] Lines(string save) => [.. save.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))];
}
