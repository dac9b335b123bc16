using System.Net.Sockets;
using CniBox.Netlink;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using Serilog;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Applets.Common;

/// <summary>Both ends of a container veth as created by <see cref="Veth.Setup"/>.</summary>
public sealed record VethEnds(LinkInfo Container, LinkInfo Host);

/// <summary>pkg/ip SetupVeth and DelLinkByNameAddr on our netlink handles.</summary>
public static class Veth
{
    /// <summary>
    /// Creates <paramref name="veth"/> inside the container namespace with its peer placed straight into the
    /// host namespace by fd (random <c>veth</c>+8 hex name unless named), MTU on both ends and the optional MACs;
    /// brings the host end up with <c>accept_ra=0</c>. The container end stays down. On failure nothing remains.
    /// </summary>
    public static VethEnds Setup(RtnlHandle container, RtnlHandle host, VethOptions veth, ILogger log)
    {
        VethPair pair;
        try
        {
            pair = container.AddVethPair(veth, host.Namespace);
        }
        catch (LinkNameExistsException e)
        {
            throw new CniException(ErrorCode.Internal, e.Message);
        }
        catch (NetlinkException e)
        {
            var hint = e.Errno == EINVAL && veth.Mtu > 0 && e.ExtAckMessage is null ? $" (is mtu {veth.Mtu} out of range?)" : "";
            throw new CniException(ErrorCode.Internal, $"failed to make veth pair: {e.Message}{hint}");
        }
        try
        {
            var hostLink = host.GetLink(pair.HostName);
            if (hostLink is null || hostLink.Name != pair.HostName)
                throw new CniException(ErrorCode.Internal,
                    $"failed to lookup \"{pair.HostName}\" in the host netns: {(hostLink is null ? "link not found" : $"got {hostLink}")}");
            host.SetLinkUp(hostLink.Index);
            // We want to own the routes of this interface; failures are ignored as in the Go plugins.
            TryWrite(Sysctl.InterfaceKey("ipv6", pair.HostName, "accept_ra"), "0", log);
            return new VethEnds(pair.Container, hostLink);
        }
        catch
        {
            Rollback.Run(log, $"delete {veth.Name}", () => container.DeleteLink(pair.Container.Index));
            throw;
        }
    }

    /// <summary>Fails early, before anything is created, when CNI_IFNAME is taken in the container (spec: ADD MUST fail).</summary>
    public static void RequireFreeName(RtnlHandle container, string ifName)
    {
        if (container.GetLink(ifName) is not null)
            throw new CniException(ErrorCode.Internal, $"container veth name provided ({ifName}) already exists");
    }

    private static void TryWrite(string key, string value, ILogger log)
    {
        try
        {
            Sysctl.Write(key, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Debug("sysctl {Key}={Value} failed: {Message}", key, value, e.Message);
        }
    }

    /// <summary>Writes sysctls inside <paramref name="ns"/> in one switch of the calling thread, ignoring failures.</summary>
    public static void TryWriteIn(NetNsHandle ns, ILogger log, params (string Key, string Value)[] settings)
    {
        NetNs.RunBriefly(ns, () =>
        {
            foreach (var (key, value) in settings) TryWrite(key, value, log);
            return true;
        });
    }
}
