using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Firewall;

/// <summary>
/// The published applet on a node with no iptables tables, where the auto choice is our nftables table; read back
/// with <c>nft list table inet cnibox_firewall</c>: accepts commented with the attachment, isolation rules per bridge
/// removed with their last attachment, DEL without prevResult, GC of attachments no longer valid.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class NftablesFirewallNodeTests
{
    private FirewallNode _node = null!;

    [SetUp]
    public void Create()
    {
        TestNetns.RequireRoot();
        _node = new FirewallNode("n");
    }

    [TearDown]
    public void Destroy() => _node.Dispose();

    private string Conf(string ip, string policy = "open", string bridge = "cbtfw0") =>
        _node.Conf($",\"ingressPolicy\":\"{policy}\"", bridge, ip);

    [Test]
    public void AutoWritesOurTableAndDelRemovesTheContainersRules()
    {
        var conf = _node.Conf("", "cbtfw0", "10.199.207.2/24", "fd99:200::7/64");
        CniAssert.Success(_node.Run("ADD", conf, "c1"));
        CniAssert.Success(_node.Run("ADD", conf, "c1"));
        var table = _node.OurTable();
        Assert.That(table, Does.Contain("type filter hook forward priority filter; policy accept;"));
        Assert.That(table, Does.Contain("jump isolation_stage_1").And.Contain("jump admin").And.Contain("jump containers"));
        Assert.That(table, Does.Contain("ip daddr 10.199.207.2 ct state established,related accept comment \"c1 eth0\""));
        Assert.That(table, Does.Contain("ip saddr 10.199.207.2 accept comment \"c1 eth0\""));
        Assert.That(table, Does.Contain("ip6 daddr fd99:200::7 ct state established,related accept comment \"c1 eth0\""));
        Assert.That(table.Split('\n').Count(l => l.Contains("comment \"c1 eth0\"")), Is.EqualTo(4), "ADD twice adds nothing");
        Assert.That(_node.Tables(), Does.Not.Contain("table ip filter"));
        CniAssert.SilentSuccess(_node.Run("CHECK", conf, "c1"));

        CniAssert.SilentSuccess(_node.Run("DEL", _node.ConfWithoutPrevResult(""), "c1", netns: ""));
        Assert.That(_node.OurTable(), Does.Not.Contain("c1 eth0"));
        Assert.That(CniAssert.Error(_node.Run("CHECK", conf, "c1"), 999), Does.StartWith("expected accept of 10.199.207.2, fd99:200::7"));
        CniAssert.SilentSuccess(_node.Run("DEL", conf, "c1"));
    }

    /// <summary>
    /// The record keeps the accepts' kernel handles, which DEL deletes without listing <c>containers</c>; after the
    /// admin flushed the chain and wrote the rules back (new handles), DEL finds them by their comment as before.
    /// </summary>
    [Test]
    public void DelDeletesByTheRecordedHandlesAndByCommentWhenTheyAreStale()
    {
        var c1 = Conf("10.199.207.3/24");
        CniAssert.Success(_node.Run("ADD", c1, "c1"));
        CniAssert.Success(_node.Run("ADD", Conf("10.199.207.4/24"), "c2"));
        var record = File.ReadAllLines(Path.Combine(_node.RecordDir, "c1-eth0"));
        Assert.That(record.Where(l => l.StartsWith("handle ", StringComparison.Ordinal)).ToList(),
            Has.Count.EqualTo(2).And.All.Match(@"^handle 4 \d+ containers$"), string.Join('\n', record));
        CniAssert.SilentSuccess(_node.Run("DEL", c1, "c1"));
        Assert.That(_node.OurTable(), Does.Not.Contain("c1 eth0").And.Contain("c2 eth0"));

        CniAssert.Success(_node.Run("ADD", c1, "c1"));
        var rules = _node.Exec("nft", "list", "chain", "inet", "cnibox_firewall", "containers").Split('\n')
            .Where(l => l.Contains(" accept comment ")).Select(l => l.Trim()).ToList();
        _node.Exec("nft", "flush", "chain", "inet", "cnibox_firewall", "containers");
        foreach (var rule in rules) _node.Exec("sh", "-c", $"nft 'add rule inet cnibox_firewall containers {rule}'");
        CniAssert.SilentSuccess(_node.Run("DEL", c1, "c1"));
        Assert.That(_node.OurTable(), Does.Not.Contain("c1 eth0"));
        Assert.That(_node.OurTable().Split('\n').Count(l => l.Contains("comment \"c2 eth0\"")), Is.EqualTo(2));
    }

    [Test]
    public void OneContainerOnTwoNetworksKeepsEachAttachmentApart()
    {
        CniAssert.Success(_node.Run("ADD", Conf("10.199.207.3/24"), "c1", "eth0"));
        CniAssert.Success(_node.Run("ADD", Conf("10.199.208.3/24"), "c1", "eth1"));
        CniAssert.SilentSuccess(_node.Run("DEL", _node.ConfWithoutPrevResult(""), "c1", "eth1"));
        Assert.That(_node.OurTable(), Does.Contain("10.199.207.3").And.Not.Contain("10.199.208.3"));
    }

    [Test]
    public void IsolationRulesGoWithTheBridgesLastAttachment()
    {
        CniAssert.Success(_node.Run("ADD", Conf("10.199.207.4/24", "same-bridge"), "c1"));
        CniAssert.Success(_node.Run("ADD", Conf("10.199.207.5/24", "isolated"), "c2"));
        CniAssert.Success(_node.Run("ADD", Conf("10.199.208.4/24", "same-bridge", "cbtfw1"), "c3"));
        var table = _node.OurTable();
        Assert.That(table, Does.Contain("iifname \"cbtfw0\" oifname != \"cbtfw0\" jump isolation_stage_2 comment \"bridge cbtfw0\""));
        Assert.That(table, Does.Contain("iifname \"cbtfw0\" oifname \"cbtfw0\" drop comment \"bridge cbtfw0 isolated\""));
        Assert.That(table, Does.Contain("oifname \"cbtfw0\" drop comment \"bridge cbtfw0\""));
        Assert.That(table, Does.Contain("oifname \"cbtfw1\" drop comment \"bridge cbtfw1\""));
        Assert.That(table.Split('\n').Count(l => l.Contains("comment \"bridge cbtfw0\"")), Is.EqualTo(2), "one rule per bridge and stage");
        CniAssert.SilentSuccess(_node.Run("CHECK", Conf("10.199.207.5/24", "isolated"), "c2"));

        CniAssert.SilentSuccess(_node.Run("DEL", _node.ConfWithoutPrevResult(""), "c2"));
        Assert.That(_node.OurTable(), Does.Not.Contain("isolated\"").And.Contain("bridge cbtfw0\""));
        CniAssert.SilentSuccess(_node.Run("DEL", _node.ConfWithoutPrevResult(""), "c1"));
        Assert.That(_node.OurTable(), Does.Not.Contain("cbtfw0").And.Contain("bridge cbtfw1\""));
    }

    [Test]
    public void GcRemovesTheAttachmentsNoLongerValid()
    {
        CniAssert.Success(_node.Run("ADD", Conf("10.199.209.2/24", "same-bridge"), "c1"));
        CniAssert.Success(_node.Run("ADD", Conf("10.199.209.3/24", "same-bridge"), "c2"));
        var gc = $"{{\"cniVersion\":\"1.1.0\",\"name\":\"{_node.Network}\",\"type\":\"firewall\"," +
                 "\"cni.dev/valid-attachments\":[{\"containerID\":\"c2\",\"ifname\":\"eth0\"}]}";
        CniAssert.SilentSuccess(_node.Run("GC", gc, ""));
        var table = _node.OurTable();
        Assert.That(table, Does.Not.Contain("10.199.209.2").And.Contain("10.199.209.3").And.Contain("bridge cbtfw0\""));
        CniAssert.SilentSuccess(_node.Run("GC", gc.Replace("\"c2\"", "\"c9\""), ""));
        Assert.That(_node.OurTable(), Does.Not.Contain("10.199.209.3").And.Not.Contain("cbtfw0"));
        Assert.That(Directory.Exists(_node.RecordDir), Is.False);
    }

    [Test]
    public void AnAddWhoseRecordCannotBeWrittenTakesItsRulesBack()
    {
        CniAssert.Success(_node.Run("ADD", Conf("10.199.209.4/24", "same-bridge", "cbtfw1"), "c0"));
        var before = _node.OurTable();
        Directory.CreateDirectory(FirewallRecordsRoot);
        File.Delete(Path.Combine(_node.RecordDir, "c0-eth0"));
        Directory.Delete(_node.RecordDir);
        File.WriteAllText(_node.RecordDir, "not a directory");
        Assert.That(CniAssert.Error(_node.Run("ADD", Conf("10.199.209.5/24", "isolated"), "c1"), 999),
            Does.StartWith("failed to record the firewall attachment: "));
        Assert.That(_node.OurTable(), Is.EqualTo(before), "the accepts and the new bridge's isolation are gone, the other bridge's stay");
    }

    private static string FirewallRecordsRoot => CniBox.Applets.Firewall.FirewallRecords.DefaultRoot;
}
