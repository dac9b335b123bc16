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
        var conf = NetConf.Parse(call.StdinData, "failed to parse network config");
        using var rtnl = ContainerNetns.OpenRtnl(call.Netns);
        var lo = rtnl.GetLink(Loopback) ?? throw new CniException(ErrorCode.Internal, $"link \"{Loopback}\" not found");
        rtnl.SetLinkUp(lo.Index);
        var addresses = LoopbackAddresses(rtnl, lo.Index);
        var v4 = addresses.FirstOrDefault(a => a.Family == AddressFamily.InterNetwork);
        var v6 = addresses.FirstOrDefault(a => a.Family == AddressFamily.InterNetworkV6);
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

    /// <summary>All addresses of <c>lo</c> in one dump; a non-loopback one is an error, as in the Go plugin.</summary>
    private static IReadOnlyList<AddrInfo> LoopbackAddresses(RtnlHandle rtnl, int index)
    {
        var addresses = rtnl.DumpAddresses(AddressFamily.Unspecified, index);
        foreach (var address in addresses)
            if (!IPAddress.IsLoopback(address.Address))
                throw new CniException(ErrorCode.Internal, $"loopback interface found with non-loopback address \"{address.Address}\"");
        return addresses;
    }
}
