using CniBox.Ipam.Static;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Static;

/// <summary>The <c>static</c> IPAM plugin as its own executable: a shell over <see cref="StaticPlugin"/>.</summary>
public sealed class StaticApplet : CniPlugin
{
    private readonly StaticPlugin _plugin = new();

    public override string Name => "static";
    public override AppletKind Kind => AppletKind.Ipam;

    protected override CniResult? Add(PluginCall call) => _plugin.Add(call);
    protected override void Del(PluginCall call) => _plugin.Del(call);
    protected override void Check(PluginCall call) => _plugin.Check(call);
    protected override void Gc(PluginCall call) => _plugin.Gc(call);
    protected override void Status(PluginCall call) => _plugin.Status(call);
}
