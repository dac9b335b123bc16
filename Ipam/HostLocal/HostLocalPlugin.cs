using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;
using CniBox.Spec.Config;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// host-local: one <see cref="PluginCall"/> in, the Go plugin's behaviour out, as its own applet or in-process
/// for bridge and ptp. The config comes from the call's stdin and CNI_ARGS
/// (<see cref="HostLocalConfig.Parse(ReadOnlySpan{byte}, string?)"/>); the state is the Go-compatible <see cref="DiskStore"/>.
/// </summary>
public sealed class HostLocalPlugin : CniPlugin<HostLocalConfig>
{
    protected override HostLocalConfig Parse(PluginCall call)
    {
        if (call.Command is CniCommand.Add or CniCommand.Del or CniCommand.Check) ValidateAttachment(call);
        return HostLocalConfig.Parse(call.StdinData, call.Args);
    }

    protected override CniResult Add(PluginCall call, HostLocalConfig config)
    {
        // Go reads resolv.conf before it opens the store: a bad path fails with nothing created.
        var dns = config.ResolvConf is { } path ? ResolvConf.Load(path) : null;
        using var store = DiskStore.Open(config.DataDir, config.Name);
        var result = new HostLocalIpam(config, store).Add(call.ContainerId, call.IfName, dns);
        result.CniVersion = call.CniVersion;
        return result;
    }

    protected override void Del(PluginCall call, HostLocalConfig config)
    {
        using var store = DiskStore.Open(config.DataDir, config.Name);
        new HostLocalIpam(config, store).Del(call.ContainerId, call.IfName);
    }

    protected override void Check(PluginCall call, HostLocalConfig config)
    {
        using var store = DiskStore.Open(config.DataDir, config.Name);
        new HostLocalIpam(config, store).Check(call.ContainerId, call.IfName);
    }

    /// <summary>
    /// Releases every allocation whose (containerID, ifname) is not in <c>cni.dev/valid-attachments</c> (else its
    /// alias <c>cni.dev/attachments</c>). No list at all means nothing is valid, as cnitool's GC sends it.
    /// </summary>
    protected override void Gc(PluginCall call, HostLocalConfig config)
    {
        var valid = GcAttachments.ReadValid(call.StdinData);
        using var store = DiskStore.Open(config.DataDir, config.Name);
        var released = new HostLocalIpam(config, store).Gc(valid);
        call.Log.Debug("host-local GC released {Count} allocations of {Network}", released, config.Name);
    }

    /// <summary>Code 50 when the dataDir cannot hold a reservation or some range set has no free address.</summary>
    protected override void Status(PluginCall call, HostLocalConfig config)
    {
        DiskStore store;
        try
        {
            store = DiskStore.Open(config.DataDir, config.Name);
        }
        catch (CniException e)
        {
            throw Unavailable(config, e);
        }
        using (store)
        {
            try
            {
                store.ProbeWritable();
            }
            catch (CniException e)
            {
                throw Unavailable(config, e);
            }
            new HostLocalIpam(config, store).Status();
        }
    }

    /// <summary>
    /// The skel already enforces these for exec'd calls; an in-process call must not get further either: the id
    /// and ifname end up in the store's owner lines.
    /// </summary>
    private static void ValidateAttachment(PluginCall call)
    {
        if (PluginEnvironment.ValidateContainerId(call.ContainerId) is { } badId) throw badId;
        if (PluginEnvironment.ValidateInterfaceName(call.IfName) is { } badIf) throw badIf;
    }

    private static CniException Unavailable(HostLocalConfig config, CniException cause) =>
        new(ErrorCode.NotAvailable, $"host-local: dataDir {Path.Join(config.DataDir, config.Name)} is unusable: {cause.Msg}");
}
