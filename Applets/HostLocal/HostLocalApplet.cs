using CniBox.Ipam.HostLocal;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.HostLocal;

/// <summary>
/// The host-local IPAM plugin as its own executable: the skel's checks, then <see cref="HostLocalPlugin"/>, the
/// same code L3 applets run in-process. Its store is byte-compatible with the Go plugin's.
/// </summary>
public sealed class HostLocalApplet : CniPlugin
{
    private readonly HostLocalPlugin _plugin = new();

    public override string Name => HostLocalPlugin.TypeName;
    public override AppletKind Kind => AppletKind.Ipam;

    protected override CniResult? Add(PluginCall call) => _plugin.Add(call);
    protected override void Del(PluginCall call) => _plugin.Del(call);
    protected override void Check(PluginCall call) => _plugin.Check(call);
    protected override void Gc(PluginCall call) => _plugin.Gc(call);
    protected override void Status(PluginCall call) => _plugin.Status(call);
}
