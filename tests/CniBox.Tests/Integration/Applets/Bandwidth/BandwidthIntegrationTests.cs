using System.Text.Json;
using CniBox.Applets.Bandwidth;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Bandwidth;

/// <summary>bandwidth chained after our ptp in a throwaway node netns: the layout, CHECK, DEL, GC and rollback.</summary>
[Category("root"), NonParallelizable]
public sealed class BandwidthIntegrationTests
{
    private const string BothWays = "\"ingressRate\":8000000,\"ingressBurst\":80000,\"egressRate\":16000000,\"egressBurst\":160000";

    private BandwidthChain _chain = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _chain = new BandwidthChain("bwi", "10.199.221.0/24", bandwidth: BothWays);
    }

    [TearDown]
    public void Destroy() => _chain.Dispose();

    private string Ifb => IfbName.For(BandwidthChain.Network, _chain.ContainerId);

    [Test]
    public void AddPutsATbfOnTheVethAndRedirectsEgressToAnIfbWithItsOwnTbf()
    {
        var result = CniAssert.Success(_chain.Run("ADD", _chain.Conf()));
        var interfaces = result.GetProperty("interfaces");
        Assert.That(interfaces.GetArrayLength(), Is.EqualTo(3), "ptp's two and the ifb");
        var ifb = NetHarness.Link(_chain.Net.Host, Ifb);
        Assert.That(interfaces[2].GetProperty("name").GetString(), Is.EqualTo(Ifb));
        Assert.That(interfaces[2].GetProperty("mac").GetString(), Is.EqualTo(ifb.GetProperty("address").GetString()));
        Assert.That(Ifb, Does.Match("^bwp[0-9a-f]{12}$"));

        var veth = NetHarness.Link(_chain.Net.Host, _chain.HostVeth);
        Assert.That(ifb.GetProperty("mtu").GetInt32(), Is.EqualTo(veth.GetProperty("mtu").GetInt32()));
        Assert.That(ifb.GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("UP"));
        Assert.That(ifb.TryGetProperty("txqlen", out var q) ? q.GetInt32() : 0, Is.Zero, "Go's txqueuelen 0");
        Assert.That(ifb.GetProperty("ifalias").GetString(), Is.EqualTo("cnibox-bandwidth:" + _chain.ContainerId));

        Assert.That(TcState.RootTbf(_chain.Net.Host, _chain.HostVeth)?.GetRawText(), Is.EqualTo("""{"rate":1000000,"burst":10000,"lat":25000}"""));
        Assert.That(TcState.RootTbf(_chain.Net.Host, Ifb)?.GetRawText(), Is.EqualTo("""{"rate":2000000,"burst":20000,"lat":25000}"""));
        var filters = TcState.Tc(_chain.Net.Host, "filter", "show", "dev", _chain.HostVeth, "ingress");
        Assert.That(filters, Does.Contain("*flowid 1:1").And.Contain("match 00000000/00000000 at 0"));
        Assert.That(filters, Does.Contain($"action order 1: mirred (Egress Redirect to device {Ifb}) stolen"));
        Assert.That(filters, Does.Contain($"action order 2: mirred (Egress Redirect to device {Ifb}) pass"));
    }

    [Test]
    public void OnlyIngressMakesNoIfb()
    {
        var result = CniAssert.Success(_chain.Run("ADD", _chain.Conf(bandwidth: "\"ingressRate\":8000000,\"ingressBurst\":80000")));
        Assert.That(result.GetProperty("interfaces").GetArrayLength(), Is.EqualTo(2));
        Assert.That(_chain.Ifbs(), Is.Empty);
        Assert.That(TcState.RootTbf(_chain.Net.Host, _chain.HostVeth), Is.Not.Null);
    }

    [Test]
    public void ZeroLimitsPassThePrevResultThrough()
    {
        var result = CniAssert.Success(_chain.Run("ADD", _chain.Conf(bandwidth: "\"runtimeConfig\":{\"bandwidth\":{}}")));
        Assert.That(CniJson.Canonical(result.GetRawText()), Is.EqualTo(CniJson.Canonical(_chain.PtpResult.GetRawText())));
        Assert.That(TcState.RootTbf(_chain.Net.Host, _chain.HostVeth), Is.Null);
    }

    [Test]
    public void CheckPassesAfterAddAndSeesAChangedRate()
    {
        var result = CniAssert.Success(_chain.Run("ADD", _chain.Conf()));
        var check = CniJson.WithPrevResult(_chain.Conf(prev: false), result.GetRawText());
        CniAssert.SilentSuccess(_chain.Run("CHECK", check));
        TcState.Tc(_chain.Net.Host, "qdisc", "change", "dev", Ifb, "root", "handle", "1:", "tbf", "rate", "12mbit", "burst", "20000", "limit", "70000");
        Assert.That(CniAssert.Error(_chain.Run("CHECK", check), 999), Is.EqualTo("Rate doesn't match"));
        TcState.Tc(_chain.Net.Host, "qdisc", "del", "dev", _chain.HostVeth, "root");
        Assert.That(CniAssert.Error(_chain.Run("CHECK", check), 999), Is.EqualTo("Failed to find qdisc"));
    }

    [Test]
    public void CheckPassesWithCrisBurstWhoseBufferWraps()
    {
        const string cri = "\"runtimeConfig\":{\"bandwidth\":{\"IngressRate\":10000000,\"IngressBurst\":4294967295,\"EgressRate\":10000000,\"EgressBurst\":4294967295}}";
        var result = CniAssert.Success(_chain.Run("ADD", _chain.Conf(bandwidth: cri)));
        CniAssert.SilentSuccess(_chain.Run("CHECK", CniJson.WithPrevResult(_chain.Conf(prev: false, bandwidth: cri), result.GetRawText())));
    }

    [Test]
    public void DelRemovesTheIfbAlsoWithAnEmptyNetnsAndTwice()
    {
        CniAssert.Success(_chain.Run("ADD", _chain.Conf()));
        Assert.That(_chain.Ifbs(), Is.EqualTo(new[] { Ifb }));
        CniAssert.SilentSuccess(_chain.Run("DEL", _chain.Conf(), netns: ""));
        Assert.That(_chain.Ifbs(), Is.Empty);
        CniAssert.SilentSuccess(_chain.Run("DEL", _chain.Conf()));
        CniAssert.SilentSuccess(_chain.Run("DEL", _chain.Conf(prev: false)));
        Assert.That(TcState.RootTbf(_chain.Net.Host, _chain.HostVeth), Is.Not.Null, "the veth's TBF goes with the veth, as in Go");
    }

    [Test]
    public void AFailureAfterTheIfbExistsLeavesNoIfbAndUndoesTheVethQdiscs()
    {
        TcState.Tc(_chain.Net.Host, "qdisc", "add", "dev", _chain.HostVeth, "handle", "ffff:", "ingress");
        var before = TcState.Describe(_chain.Net.Host);
        Assert.That(CniAssert.Error(_chain.Run("ADD", _chain.Conf()), 999), Is.EqualTo("create ingress qdisc: file exists"));
        Assert.That(_chain.Ifbs(), Is.Empty);
        Assert.That(TcState.Describe(_chain.Net.Host), Is.EqualTo(before), "the root TBF is gone, the ingress qdisc we did not make stays");
    }

    [Test]
    public void AnIfbThatExistsFailsAddWithGosText()
    {
        _chain.Net.Host.IpIn("link", "add", Ifb, "type", "ifb");
        Assert.That(CniAssert.Error(_chain.Run("ADD", _chain.Conf()), 999), Is.EqualTo("adding link: file exists"));
        Assert.That(TcState.RootTbf(_chain.Net.Host, _chain.HostVeth), Is.Null, "the ingress TBF made before it is undone");
        Assert.That(_chain.Ifbs(), Is.EqualTo(new[] { Ifb }), "someone else's ifb stays");
    }

    [Test]
    public void GcRemovesOnlyThisNetworksIfbsOfAttachmentsNoLongerValid()
    {
        var host = _chain.Net.Host;
        void AddIfb(string name, string? alias)
        {
            host.IpIn("link", "add", name, "type", "ifb");
            if (alias is not null) host.IpIn("link", "set", "dev", name, "alias", alias);
        }
        var kept = IfbName.For(BandwidthChain.Network, "cbt-keep");
        var stale = IfbName.For(BandwidthChain.Network, "cbt-gone");
        var otherNetwork = IfbName.For("cbt-other", "cbt-gone");
        var goMade = IfbName.For(BandwidthChain.Network, "cbt-go");
        AddIfb(kept, "cnibox-bandwidth:cbt-keep");
        AddIfb(stale, "cnibox-bandwidth:cbt-gone");
        AddIfb(otherNetwork, "cnibox-bandwidth:cbt-gone");
        AddIfb(goMade, null);
        AddIfb("bwp000000000000", "cnibox-bandwidth:cbt-gone");

        var gc = NetHarness.Conf("bandwidth", "1.1.0", "", ",\"cni.dev/valid-attachments\":[{\"containerID\":\"cbt-keep\",\"ifname\":\"eth0\"}]", BandwidthChain.Network);
        CniAssert.SilentSuccess(_chain.Run("GC", gc));
        Assert.That(_chain.Ifbs(), Is.EquivalentTo(new[] { kept, otherNetwork, goMade, "bwp000000000000" }));
    }
}
