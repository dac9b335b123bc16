using System.Net;
using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Netlink.Route;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Loopback;

/// <summary>
/// Brings <c>lo</c> up in the container netns (ADD), verifies it is up (CHECK) and takes it down (DEL).
/// It always acts on <c>lo</c>, whatever CNI_IFNAME says, as the Go plugin does.
/// </summary>
public sealed class LoopbackApplet : CniPlugin
{
    private const string Loopback = "lo";

    public override string Name => "loopback";

    protected override CniResult? Add(PluginCall call)
    {
        var conf = NetConf.Parse(call.StdinData);
        using var rtnl = ContainerNetns.OpenRtnl(call.Netns);
        var lo = rtnl.GetLink(Loopback) ?? throw new CniException(ErrorCode.Internal, $"link \"{Loopback}\" not found");
        rtnl.SetLinkUp(lo.Index);
        var v4 = FirstLoopbackAddress(rtnl, lo.Index, AddressFamily.InterNetwork);
        var v6 = FirstLoopbackAddress(rtnl, lo.Index, AddressFamily.InterNetworkV6);
        call.Log.Debug("lo is up in {Netns}", call.Netns);

        if (conf.ParsePrevResult() is { } prev)
            return prev;
        var result = new CniResult
        {
            CniVersion = call.CniVersion,
            Interfaces = [new ResultInterface { Name = Loopback, Mac = "00:00:00:00:00:00", Sandbox = call.Netns }],
        };
        foreach (var address in new[] { v4, v6 })
            if (address is not null)
                result.Ips.Add(new IpConfig { Interface = 0, Address = $"{address.Address}/{address.PrefixLength}" });
        return result;
    }

    protected override void Check(PluginCall call)
    {
        using var rtnl = ContainerNetns.OpenRtnl(call.Netns);
        var lo = rtnl.GetLink(Loopback) ?? throw new CniException(ErrorCode.Internal, $"link \"{Loopback}\" not found");
        if (!lo.IsUp)
            throw new CniException(ErrorCode.Internal, "loopback interface is down");
    }

    protected override void Del(PluginCall call)
    {
        if (call.Netns.Length == 0) return;
        using var rtnl = ContainerNetns.TryOpenRtnl(call.Netns);
        if (rtnl?.GetLink(Loopback) is { } lo)
            rtnl.SetLinkDown(lo.Index);
    }

    /// <summary>The first address of a family; any non-loopback address on <c>lo</c> is an error, as in the Go plugin.</summary>
    private static AddrInfo? FirstLoopbackAddress(RtnlHandle rtnl, int index, AddressFamily family)
    {
        var addresses = rtnl.DumpAddresses(family, index);
        foreach (var address in addresses)
            if (!IPAddress.IsLoopback(address.Address))
                throw new CniException(ErrorCode.Internal, $"loopback interface found with non-loopback address \"{address.Address}\"");
        return addresses.Count > 0 ? addresses[0] : null;
    }
}
