using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Socket;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary>What a kernel refusing kind "vrf" lacks.</summary>
    public const string VrfFeature = "vrf support (CONFIG_NET_VRF / modprobe vrf)";

    /// <summary><c>ip link add NAME type vrf table T</c></summary>
    /// <exception cref="NotSupportedByKernelException">
    /// The kernel has no vrf driver: rtnetlink answers an unknown IFLA_INFO_KIND with EOPNOTSUPP ("Unknown device
    /// type"), after trying to load rtnl-link-vrf.
    /// </exception>
    public void AddVrf(string name, uint table) =>
        AddChildLink($"RTM_NEWLINK {name} type vrf table {table}", VrfFeature, null,
            (ref NetlinkWriter w, uint seq, int _) => LinkMessages.AddVrf(ref w, seq, name, table));
}
