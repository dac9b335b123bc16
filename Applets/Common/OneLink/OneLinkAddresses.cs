using CniBox.Ipam;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Common.OneLink;

/// <summary>Where the addresses of a main plugin's one link come from.</summary>
public enum OneLinkAddressing
{
    /// <summary>No IPAM: the link is only brought up (macvlan's L2 mode).</summary>
    LinkOnly,

    /// <summary>The IPAM plugin of <c>ipam.type</c>.</summary>
    Ipam,

    /// <summary>The prevResult's IPs and routes (ipvlan chained without IPAM).</summary>
    PrevResult,
}

/// <summary>
/// The second half of ADD for macvlan, ipvlan, vlan and dummy once their link exists: the result (the one
/// interface, every IP on it), IPAM, <see cref="IfaceConfigurator.Configure"/>. Any failure deletes the link
/// and, where IPAM allocated, releases it (Go leaks the vlan link; ours never does), then rethrows.
/// </summary>
public static class OneLinkAddresses
{
    public static CniResult Apply(PluginCall call, RtnlHandle container, LinkInfo link, IIpamInvoker ipam, string ipamType,
        OneLinkAddressing addressing, CniResult? prevResult = null, Action? beforeConfigure = null)
    {
        var ipamAllocated = false;
        try
        {
            var result = new CniResult();
            if (addressing == OneLinkAddressing.LinkOnly)
            {
                try
                {
                    container.SetLinkUp(link.Index);
                }
                catch (NetlinkException e)
                {
                    throw new CniException(ErrorCode.Internal, $"failed to set \"{call.IfName}\" UP: {e.Message}");
                }
            }
            else
            {
                CniResult source;
                if (addressing == OneLinkAddressing.PrevResult)
                {
                    source = prevResult ?? throw new ArgumentNullException(nameof(prevResult));
                }
                else
                {
                    source = ipam.Add(call, ipamType);
                    ipamAllocated = true;
                }
                if (source.Ips.Count == 0)
                    throw new CniException(ErrorCode.Internal, "IPAM plugin returned missing IP config");
                result.Ips = source.Ips;
                result.Routes = source.Routes;
                result.Dns = source.Dns;
                foreach (var ipc in result.Ips) ipc.Interface = 0;
            }
            result.Interfaces = [OneLinkCreation.Interface(link, call.Netns)];
            if (addressing != OneLinkAddressing.LinkOnly)
            {
                beforeConfigure?.Invoke();
                IfaceConfigurator.Configure(container, link, result);
            }
            return result;
        }
        catch
        {
            // IPAM first, while the link exists: dhcp's DHCPRELEASE leaves through it.
            if (ipamAllocated)
                Rollback.Run(call.Log, "IPAM DEL", () => ipam.Del(call, ipamType));
            Rollback.Run(call.Log, $"delete {call.IfName}", () => container.DeleteLink(link.Index));
            throw;
        }
    }
}
