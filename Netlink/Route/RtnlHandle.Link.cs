using CniBox.Netlink.Codec;
using CniBox.Netlink.Socket;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Netlink.Route;

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
}
