using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.OneLink;

/// <summary>
/// The set-up the tests of the plugins that create one link on a master (macvlan, ipvlan, vlan) share: a node
/// netns (cbt-mv-h-*) whose master is the veth <see cref="Master"/> (both ends up) and a container netns
/// (cbt-mv-a-*), made anew for every test and removed after it, also when the set-up itself fails.
/// </summary>
[Category("root")]
public abstract class OneLinkMasterFixture(string type, string subnets)
{
    protected const string Master = "cbtmv0";
    protected const string MasterPeer = "cbtmv1";

    protected NetHarness Harness { get; private set; } = null!;
    protected TestNetns Container { get; private set; } = null!;

    /// <summary>The applet under test, as a runtime finds it.</summary>
    protected string Plugin => Binaries.Applet(type);

    [SetUp]
    public void CreateNodeAndContainer()
    {
        Binaries.RequirePublished();
        Harness = new NetHarness("mv-h");
        try
        {
            Container = Harness.Container("mv-a");
            Harness.Host.IpIn("link", "add", Master, "type", "veth", "peer", "name", MasterPeer);
            Harness.Host.IpIn("link", "set", Master, "up");
            Harness.Host.IpIn("link", "set", MasterPeer, "up");
        }
        catch
        {
            Harness.Dispose();
            throw;
        }
    }

    [TearDown]
    public void RemoveNodeAndContainer() => Harness.Dispose();

    /// <summary>The plugin's config (cniVersion 1.0.0) with host-local on <paramref name="subnet"/> (the fixture's by default) or no IPAM.</summary>
    protected string Conf(string extra = "", string? subnet = null, bool ipam = true) =>
        NetHarness.Conf(type, "1.0.0", ipam ? Harness.HostLocal(subnet ?? subnets) : "", extra);

    /// <summary>Runs the plugin in the node netns against <paramref name="container"/> (the fixture's by default).</summary>
    protected ProcessResult Run(string verb, string conf, TestNetns? container = null, string cniArgs = "",
        string containerId = "cbt-mv1", string ifName = "eth0") =>
        Harness.Run(Plugin, verb, conf, (container ?? Container).Path, containerId, ifName, cniArgs);
}
