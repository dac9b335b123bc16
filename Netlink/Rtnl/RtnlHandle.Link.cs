using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Socket;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary><c>ip link show dev NAME</c>; null when there is no such link (ENODEV).</summary>
    public LinkInfo? GetLink(string name)
    {
        try
        {
            return Get($"RTM_GETLINK {name}", (ref NetlinkWriter w, uint seq) => LinkMessages.GetByName(ref w, seq, name), LinkMessages.Parse);
        }
        catch (NetlinkException e) when (e.Errno == ENODEV)
        {
            return null;
        }
    }

    /// <summary><c>ip link show</c> for the link with this ifindex; null when there is none (ENODEV).</summary>
    public LinkInfo? GetLink(int index)
    {
        try
        {
            return Get($"RTM_GETLINK #{index}", (ref NetlinkWriter w, uint seq) => LinkMessages.GetByIndex(ref w, seq, index), LinkMessages.Parse);
        }
        catch (NetlinkException e) when (e.Errno == ENODEV)
        {
            return null;
        }
    }

    /// <summary><c>ip link show</c></summary>
    public IReadOnlyList<LinkInfo> DumpLinks() =>
        Dump("RTM_GETLINK dump", LinkMessages.Dump, LinkMessages.Parse);

    /// <summary><c>ip link set dev X up</c></summary>
    public void SetLinkUp(int index) =>
        Execute($"RTM_NEWLINK #{index} up",
            (ref NetlinkWriter w, uint seq) => LinkMessages.SetFlags(ref w, seq, index, InterfaceFlags.Up, InterfaceFlags.Up));

    /// <summary><c>ip link set dev X down</c></summary>
    public void SetLinkDown(int index) =>
        Execute($"RTM_NEWLINK #{index} down",
            (ref NetlinkWriter w, uint seq) => LinkMessages.SetFlags(ref w, seq, index, InterfaceFlags.None, InterfaceFlags.Up));

    /// <summary><c>ip link set dev X mtu N</c></summary>
    public void SetLinkMtu(int index, int mtu) =>
        Execute($"RTM_NEWLINK #{index} mtu {mtu}",
            (ref NetlinkWriter w, uint seq) => LinkMessages.SetMtu(ref w, seq, index, mtu));

    /// <summary><c>ip link set dev X address aa:bb:cc:dd:ee:ff</c></summary>
    public void SetLinkMac(int index, string mac) =>
        Execute($"RTM_NEWLINK #{index} address {mac}", (ref NetlinkWriter w, uint seq) => LinkMessages.SetMac(ref w, seq, index, mac));

    /// <summary><c>ip link set dev X address ADDR</c> with the raw bytes (any length the link type takes).</summary>
    public void SetLinkAddress(int index, byte[] address) =>
        Execute($"RTM_NEWLINK #{index} address {LinkMessages.FormatMac(address)}",
            (ref NetlinkWriter w, uint seq) => LinkMessages.SetAddress(ref w, seq, index, address));

    /// <summary><c>ip link set dev X name NEW</c> (the link must be down)</summary>
    public void SetLinkName(int index, string name) =>
        Execute($"RTM_NEWLINK #{index} name {name}", (ref NetlinkWriter w, uint seq) => LinkMessages.SetName(ref w, seq, index, name));

    /// <summary><c>ip link set dev X master BR</c>; master 0 is <c>nomaster</c>.</summary>
    public void SetLinkMaster(int index, int masterIndex) =>
        Execute($"RTM_NEWLINK #{index} master #{masterIndex}",
            (ref NetlinkWriter w, uint seq) => LinkMessages.SetMaster(ref w, seq, index, masterIndex));

    /// <summary><c>ip link set dev X netns NS</c>: moves the link; its ifindex may change over there.</summary>
    public void SetLinkNamespace(int index, NetNsHandle ns)
    {
        bool added = false;
        ns.DangerousAddRef(ref added);
        try
        {
            int fd = ns.DangerousFd;
            Execute($"RTM_NEWLINK #{index} netns {ns.Path}", (ref NetlinkWriter w, uint seq) => LinkMessages.SetNamespaceFd(ref w, seq, index, fd));
        }
        finally
        {
            if (added)
                ns.DangerousRelease();
        }
    }

    /// <summary><c>ip link set dev X promisc on|off</c></summary>
    public void SetLinkPromisc(int index, bool on) =>
        Execute($"RTM_NEWLINK #{index} promisc {(on ? "on" : "off")}",
            (ref NetlinkWriter w, uint seq) => LinkMessages.SetFlags(ref w, seq, index, on ? InterfaceFlags.Promisc : InterfaceFlags.None, InterfaceFlags.Promisc));

    /// <summary><c>ip link set dev X allmulticast on|off</c></summary>
    public void SetLinkAllmulti(int index, bool on) =>
        Execute($"RTM_NEWLINK #{index} allmulticast {(on ? "on" : "off")}",
            (ref NetlinkWriter w, uint seq) => LinkMessages.SetFlags(ref w, seq, index, on ? InterfaceFlags.AllMulti : InterfaceFlags.None, InterfaceFlags.AllMulti));

    /// <summary><c>ip link set dev X txqueuelen N</c></summary>
    public void SetLinkTxQueueLen(int index, int length) =>
        Execute($"RTM_NEWLINK #{index} txqueuelen {length}",
            (ref NetlinkWriter w, uint seq) => LinkMessages.SetTxQueueLen(ref w, seq, index, length));

    /// <summary><c>ip link del dev X</c>; a missing link throws a <see cref="NetlinkException"/> with IsNotFound.</summary>
    public void DeleteLink(int index) =>
        Execute($"RTM_DELLINK #{index}", (ref NetlinkWriter w, uint seq) => LinkMessages.Delete(ref w, seq, index));

    /// <summary><c>ip link del dev NAME</c>; a missing link throws a <see cref="NetlinkException"/> with IsNotFound.</summary>
    public void DeleteLink(string name) =>
        Execute($"RTM_DELLINK {name}", (ref NetlinkWriter w, uint seq) => LinkMessages.Delete(ref w, seq, name));

    /// <summary><c>ip link add NAME [mtu M] type bridge [vlan_filtering 1]</c></summary>
    /// <exception cref="NotSupportedByKernelException">vlan_filtering asked on a kernel without CONFIG_BRIDGE_VLAN_FILTERING.</exception>
    public void AddBridge(string name, int mtu = 0, bool vlanFiltering = false)
    {
        try
        {
            Execute($"RTM_NEWLINK {name} type bridge", (ref NetlinkWriter w, uint seq) => LinkMessages.AddBridge(ref w, seq, name, mtu, vlanFiltering));
        }
        catch (NetlinkException e) when (vlanFiltering && e.Errno == EOPNOTSUPP)
        {
            throw new NotSupportedByKernelException(VlanFilteringFeature, e);
        }
    }

    /// <summary><c>ip link add NAME link PARENT [mtu M] type macvlan mode MODE</c></summary>
    public void AddMacvlan(MacvlanOptions macvlan) =>
        Execute($"RTM_NEWLINK {macvlan.Name} type macvlan", (ref NetlinkWriter w, uint seq) => LinkMessages.AddMacvlan(ref w, seq, macvlan));

    /// <summary><c>ip link add NAME [mtu M] [txqueuelen N] [up] type ifb</c></summary>
    public void AddIfb(IfbOptions ifb) =>
        Execute($"RTM_NEWLINK {ifb.Name} type ifb", (ref NetlinkWriter w, uint seq) => LinkMessages.AddIfb(ref w, seq, ifb));

    /// <summary><c>ip link set dev X alias TEXT</c></summary>
    public void SetLinkAlias(int index, string alias) =>
        Execute($"RTM_NEWLINK #{index} alias", (ref NetlinkWriter w, uint seq) => LinkMessages.SetAlias(ref w, seq, index, alias));

    /// <summary><c>ip link add NAME type ifb</c></summary>
    public void AddIfb(string name) =>
        Execute($"RTM_NEWLINK {name} type ifb", (ref NetlinkWriter w, uint seq) => LinkMessages.AddIfb(ref w, seq, name));
}
