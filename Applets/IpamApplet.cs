using CniBox.Ipam;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets;

/// <summary>
/// An IPAM plugin (host-local, static) as its own executable: the skel's checks, then the same
/// <see cref="IIpamPlugin"/> that L3 applets run in-process.
/// </summary>
public sealed class IpamApplet(string name, IIpamPlugin plugin) : CniPlugin
{
    public override string Name => name;
    public override AppletKind Kind => AppletKind.Ipam;

    protected override CniResult? Add(PluginCall call) => plugin.Add(call);
    protected override void Del(PluginCall call) => plugin.Del(call);
    protected override void Check(PluginCall call) => plugin.Check(call);
    protected override void Gc(PluginCall call) => plugin.Gc(call);
    protected override void Status(PluginCall call) => plugin.Status(call);
}
