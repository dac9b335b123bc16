using CniBox.Applets.Common;
using CniBox.Netlink;
using CniBox.Netlink.Namespaces;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Tuning;

public sealed partial class TuningApplet
{
    /// <summary>
    /// Go's cmdCheck, in its order and words (code 999): each sysctl's file against its value, then the link's
    /// MAC (as text), promisc (also when the config leaves it off), MTU, all-multicast and txqueuelen. Where Go
    /// prints a pointer's address (all-multicast, txqueuelen) we print the configured value.
    /// </summary>
    protected override void Check(PluginCall call, TuningConfig config, CniResult prevResult)
    {
        using var rtnl = ContainerNetns.OpenRtnl(call.Netns);
        foreach (var (key, want) in config.Sysctls)
        {
            var file = TuningSysctls.FileOf(key, call.IfName);
            var current = NetNs.RunBriefly(rtnl.Namespace, () => Sysctl.Read(file));
            if (current != want) throw Failed($"Error: Tuning configured value of {TuningSysctls.Absolute(file)} is {want}, current value is {current}");
        }
        var link = rtnl.GetLink(call.IfName) ?? throw Failed($"Cannot find container link {call.IfName}");
        var name = call.IfName;
        if (config.Mac.Length > 0 && config.Mac != (link.Mac ?? ""))
            throw Failed($"Error: Tuning configured Ethernet of {name} is {config.Mac}, current value is {link.Mac}");
        if (config.Promisc != link.IsPromisc)
            throw Failed($"Error: Tuning link {name} configured promisc is {TuningLink.Go(config.Promisc)}, current value is {(link.IsPromisc ? 1 : 0)}");
        if (config.Mtu != 0 && config.Mtu != link.Mtu)
            throw Failed($"Error: Tuning configured MTU of {name} is {config.Mtu}, current value is {link.Mtu}");
        if (config.Allmulti is { } allmulti && allmulti != link.IsAllMulti)
            throw Failed($"Error: Tuning configured all-multicast mode of {name} is {TuningLink.Go(allmulti)}, current value is {TuningLink.Go(link.IsAllMulti)}");
        if (config.TxQLen is { } txQLen && txQLen != link.TxQueueLength)
            throw Failed($"Error: Tuning configured Transmit Queue Length of {name} is {txQLen}, current value is {link.TxQueueLength}");
    }

    private static CniException Failed(string message) => new(ErrorCode.Internal, message);
}
