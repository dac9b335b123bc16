using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Results;
using Serilog;

namespace CniBox.Applets.Common.OneLink;

/// <summary>Creates one link inside the container netns for a main plugin: <c>create(name, target)</c> adds it.</summary>
public delegate void OneLinkCreate(string name, NetNsHandle? target);

/// <summary>
/// What macvlan, ipvlan, vlan and dummy share when they create their one link: created straight in the container's
/// netns (IFLA_NET_NS_FD) from the netns that holds the master, under a temporary name when a master's netns could
/// hold CNI_IFNAME already, then renamed; a kernel without the kind is a clear CNI error.
/// </summary>
public static class OneLinkCreation
{
    /// <summary>
    /// Creates the link as <c>veth</c> + 8 hex (Go's ip.RandomVethName, "due to kernel bug we have to create with
    /// tmpName"), renames it to <paramref name="ifName"/> in the container and returns it as the container sees it.
    /// <paramref name="creator"/> is the handle of the netns holding the master (the container's itself with
    /// linkInContainer, then no IFLA_NET_NS_FD is sent). On failure nothing is left.
    /// </summary>
    public static LinkInfo CreateRenamed(RtnlHandle creator, RtnlHandle container, string kind, string ifName, OneLinkCreate create, ILogger log)
    {
        var tmpName = TemporaryName();
        Create(creator, container, kind, tmpName, create);
        var created = container.GetLink(tmpName)
            ?? throw new CniException(ErrorCode.Internal, $"failed to refetch {kind} \"{tmpName}\": Link not found");
        try
        {
            container.SetLinkName(created.Index, ifName);
            return container.GetLink(created.Index)
                ?? throw new CniException(ErrorCode.Internal, $"failed to refetch {kind} \"{ifName}\": Link not found");
        }
        catch (Exception e) when (e is NetlinkException or CniException)
        {
            // By index: CNI_IFNAME may be someone else's link, which is why the rename failed.
            Rollback.Run(log, $"delete {tmpName}", () => container.DeleteLink(created.Index));
            if (e is CniException) throw;
            throw new CniException(ErrorCode.Internal, $"failed to rename {kind} to \"{ifName}\": {e.Message}");
        }
    }

    /// <summary>
    /// Creates the link under its final name (dummy has no master whose netns could hold it) and returns it as the
    /// container sees it.
    /// </summary>
    public static LinkInfo CreateNamed(RtnlHandle creator, RtnlHandle container, string kind, string ifName, OneLinkCreate create)
    {
        Create(creator, container, kind, ifName, create);
        return container.GetLink(ifName) ?? throw new CniException(ErrorCode.Internal, $"failed to fetch {kind} \"{ifName}\": Link not found");
    }

    /// <summary>The result's interface: name, MAC and the container's netns path.</summary>
    public static ResultInterface Interface(LinkInfo link, string netns) =>
        new() { Name = link.Name, Mac = link.Mac, Sandbox = netns };

    /// <summary><c>veth</c> + 8 lower-case hex digits, as pkg/ip RandomVethName.</summary>
    // Random.Shared, not RandomNumberGenerator: the latter dlopens OpenSSL in the static binary.
    public static string TemporaryName() =>
        "veth" + Random.Shared.NextInt64(0, 1L << 32).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The text of a CNI error for a kernel without the kind, e.g. "kernel has no ipvlan support (CONFIG_IPVLAN / modprobe ipvlan)".</summary>
    public static string MissingKernelSupport(NotSupportedByKernelException e) => $"kernel has no {e.Feature}";

    private static void Create(RtnlHandle creator, RtnlHandle container, string kind, string name, OneLinkCreate create)
    {
        try
        {
            create(name, ReferenceEquals(creator, container) ? null : container.Namespace);
        }
        catch (NotSupportedByKernelException e)
        {
            throw new CniException(ErrorCode.Internal, MissingKernelSupport(e));
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to create {kind}: {e.Message}");
        }
    }
}
