using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Firewall.Firewalld;

/// <summary>
/// Traffic through a node whose firewall is firewalld with its default policy (Debian's: default zone public, which
/// rejects what it forwards for others): a container on the bridge reaches a remote netns behind the node's uplink
/// only once firewall has put its addresses in the trusted zone, and no longer after DEL.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public class FirewalldTrafficTests
{
    private const string RemoteV4 = "10.199.156.2", RemoteV6 = "fd99:156::2";

    private FirewalldNode _node = null!;
    private TestNetns _remote = null!;

    [OneTimeSetUp]
    public void StartNode()
    {
        _node = new FirewalldNode();
        _remote = _node.H.Container("fwdr");
        NsTraffic.Veth(_node.Node, "cbtfd1", ["10.199.156.1/24", "fd99:156::1/64"], _remote, "cbtfd2", [RemoteV4 + "/24", RemoteV6 + "/64"]);
        _remote.IpIn("route", "add", "default", "via", "10.199.156.1");
        _remote.IpIn("-6", "route", "add", "default", "via", "fd99:156::1");
        NsTraffic.Exec(_node.Node, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
    }

    [OneTimeTearDown]
    public void StopNode() => _node?.Dispose();

    [Test]
    public void AContainerReachesTheRemoteOnlyWhileFirewallLetsItThroughFirewalld()
    {
        var container = _node.Container("cbt-fwd-t1");
        var conf = _node.FirewallConf("cbt-fwd-t1", ",\"backend\":\"firewalld\"");
        NsTraffic.Ping(container, RemoteV4, expectSuccess: false, "before firewall: firewalld's default zone rejects forwarding");
        NsTraffic.Ping(container, RemoteV6, expectSuccess: false, "before firewall (v6)");
        try
        {
            CniAssert.Success(_node.Firewall("ADD", "cbt-fwd-t1", conf));
            NsTraffic.Ping(container, RemoteV4, expectSuccess: true, "with the container in the trusted zone");
            NsTraffic.Ping(container, RemoteV6, expectSuccess: true, "with the container in the trusted zone (v6)");
        }
        finally
        {
            CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-t1", conf));
        }
        NsTraffic.FlushConntrack(_node.Node);
        NsTraffic.Ping(container, RemoteV4, expectSuccess: false, "after DEL");
    }
}
