using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Socket;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Netlink.Rtnl;

/// <summary>
/// Links the CNI main plugins create one of (macvlan, ipvlan, vlan, dummy), optionally straight into another
/// netns (IFLA_NET_NS_FD). A kernel without the kind answers EOPNOTSUPP ("Unknown device type") once
/// request_module found no module: that becomes a <see cref="NotSupportedByKernelException"/> naming the option.
/// </summary>
public sealed partial class RtnlHandle
{
    public const string MacvlanSupport = "macvlan support (CONFIG_MACVLAN / modprobe macvlan)";
    public const string IpvlanSupport = "ipvlan support (CONFIG_IPVLAN / modprobe ipvlan)";
    public const string VlanSupport = "802.1Q vlan support (CONFIG_VLAN_8021Q / modprobe 8021q)";
    public const string DummySupport = "dummy support (CONFIG_DUMMY / modprobe dummy)";

    private delegate void ChildLinkBuild(ref NetlinkWriter w, uint seq, int nsFd);

    /// <summary><c>ip link add NAME link PARENT ... [netns NS] type macvlan mode MODE [bcqueuelen N]</c></summary>
    public void AddMacvlan(MacvlanOptions macvlan, NetNsHandle? target) =>
        AddChildLink($"RTM_NEWLINK {macvlan.Name} type macvlan", MacvlanSupport, target,
            (ref NetlinkWriter w, uint seq, int fd) => LinkMessages.AddMacvlan(ref w, seq, macvlan, fd));

    /// <summary><c>ip link add NAME link PARENT [mtu M] [netns NS] type ipvlan mode MODE</c></summary>
    public void AddIpvlan(IpvlanOptions ipvlan, NetNsHandle? target = null) =>
        AddChildLink($"RTM_NEWLINK {ipvlan.Name} type ipvlan", IpvlanSupport, target,
            (ref NetlinkWriter w, uint seq, int fd) => LinkMessages.AddIpvlan(ref w, seq, ipvlan, fd));

    /// <summary><c>ip link add NAME link PARENT [mtu M] [netns NS] type vlan id ID</c></summary>
    public void AddVlan(VlanOptions vlan, NetNsHandle? target = null) =>
        AddChildLink($"RTM_NEWLINK {vlan.Name} type vlan", VlanSupport, target,
            (ref NetlinkWriter w, uint seq, int fd) => LinkMessages.AddVlan(ref w, seq, vlan, fd));

    /// <summary><c>ip link add NAME [netns NS] type dummy</c></summary>
    public void AddDummy(string name, NetNsHandle? target = null) =>
        AddChildLink($"RTM_NEWLINK {name} type dummy", DummySupport, target,
            (ref NetlinkWriter w, uint seq, int fd) => LinkMessages.AddDummy(ref w, seq, name, fd));

    private void AddChildLink(string operation, string support, NetNsHandle? target, ChildLinkBuild build)
    {
        bool added = false;
        target?.DangerousAddRef(ref added);
        try
        {
            int fd = target?.DangerousFd ?? -1;
            Execute(operation, (ref NetlinkWriter w, uint seq) => build(ref w, seq, fd));
        }
        catch (NetlinkException e) when (e.Errno == EOPNOTSUPP && e.ExtAckMessage is null or "Unknown device type")
        {
            throw new NotSupportedByKernelException(support, e);
        }
        finally
        {
            if (added)
                target!.DangerousRelease();
        }
    }
}
