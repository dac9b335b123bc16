using System.Runtime.ExceptionServices;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;

namespace CniBox.Applets.Common;

/// <summary>
/// DEL of a container's link (a veth's peer goes with it) with the host's firewall teardown hidden behind the kernel's
/// wait. RTM_DELLINK of a veth blocks 10-20 ms (unregister waits for RCU grace periods), and closing a netfilter socket
/// after a commit that deleted rules waits ~10 ms for one too. The teardown commits first and its sockets close after
/// the delete, by when that grace period has passed. No thread: starting one costs more (~0.6 ms, ~700 KB RSS here)
/// than the IPAM release it could hide, so callers release before, as the Go plugins do.
/// </summary>
public static class ContainerLinkDelete
{
    /// <summary>
    /// Deletes <paramref name="ifName"/> in <paramref name="netns"/> and runs <paramref name="teardown"/> (nf_tables work
    /// through <see cref="NetfilterCall"/>, in the host netns). An empty or vanished netns, or no such link, is nothing
    /// to delete (false), and the teardown still runs. A path that is not a netns fails before the teardown. Errors come
    /// out in the sequential order: the link's, then the teardown's. Without a teardown it is one RTM_DELLINK by name
    /// (Go first lists the link's addresses for its iptables-only masquerade teardown; ours needs none).
    /// </summary>
    public static bool Run(string netns, string ifName, Action? teardown)
    {
        using var rtnl = netns.Length == 0 ? null : ContainerNetns.TryOpenRtnl(netns);
        if (rtnl is null || teardown is null)
        {
            teardown?.Invoke();
            return rtnl is not null && Delete(rtnl, ifName);
        }
        using (NetfilterCall.CloseHandlesLater())
        {
            var teardownError = Capture(teardown);
            var deleted = Delete(rtnl, ifName);
            if (teardownError is not null) ExceptionDispatchInfo.Throw(teardownError);
            return deleted;
        }
    }

    private static bool Delete(RtnlHandle rtnl, string ifName)
    {
        try
        {
            rtnl.DeleteLink(ifName);
            return true;
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    private static Exception? Capture(Action teardown)
    {
        try
        {
            teardown();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
