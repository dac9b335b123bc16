using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Applets.Common.Chained;

/// <summary>
/// The host end of the container's veth, as bandwidth's getHostInterface finds it: the container link's peer
/// ifindex (IFLA_LINK), the host link with that index, and the prevResult interface (no sandbox) of that name.
/// Errors are Go's texts (plain errors, code 999).
/// </summary>
public static class VethPeer
{
    public sealed record HostSide(ResultInterface Interface, LinkInfo Link);

    public static HostSide Find(RtnlHandle container, RtnlHandle host, string containerIfName, IReadOnlyList<ResultInterface> interfaces)
    {
        if (interfaces.Count == 0) throw Fail("no interfaces provided");
        var peerIndex = PeerIndex(container, containerIfName, out var why);
        if (peerIndex <= 0) throw Fail($"container interface {containerIfName} has no veth peer: {why}");
        var link = host.GetLink(peerIndex) ?? throw Fail($"veth peer with index {peerIndex} is not in host ns");
        foreach (var iface in interfaces)
            if (string.IsNullOrEmpty(iface.Sandbox) && iface.Name == link.Name) return new HostSide(iface, link);
        throw Fail("no veth peer of container interface found in host ns");
    }

    /// <summary>pkg/ip GetVethPeerIfindex: the peer's ifindex (valid in the peer's netns), or -1 with the reason.</summary>
    private static int PeerIndex(RtnlHandle container, string ifName, out string why)
    {
        why = "<nil>";
        var link = container.GetLink(ifName);
        if (link is null)
        {
            why = $"could not look up {GoText.Quote(ifName)}: Link not found";
            return -1;
        }
        if (link.Kind != "veth")
        {
            why = $"interface {GoText.Quote(ifName)} was not a veth interface";
            return -1;
        }
        return link.LinkIndex;
    }

    private static CniException Fail(string message) => new(ErrorCode.Internal, message);
}
