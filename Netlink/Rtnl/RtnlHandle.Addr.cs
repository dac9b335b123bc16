using System.Net.Sockets;
using System.Net;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Socket;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary>
    /// <c>ip [-4|-6] addr show [dev X]</c>. The kernel filters by index (strict checking is on);
    /// the result is filtered here as well so older kernels give the same answer. A missing
    /// <paramref name="index"/> (ENODEV under strict checking) yields an empty list.
    /// </summary>
    public IReadOnlyList<AddrInfo> DumpAddresses(AddressFamily family = AddressFamily.Unspecified, int? index = null)
    {
        int ifIndex = index ?? 0;
        List<AddrInfo> all;
        try
        {
            all = Dump($"RTM_GETADDR dump{(index is null ? "" : $" #{ifIndex}")}",
                (ref NetlinkWriter w, uint seq) => AddrMessages.Dump(ref w, seq, family, ifIndex),
                AddrMessages.Parse);
        }
        catch (NetlinkException e) when (index is not null && e.Errno == Errno.ENODEV)
        {
            return [];
        }
        all.RemoveAll(a => (index is not null && a.Index != ifIndex)
            || (family != AddressFamily.Unspecified && a.Family != family));
        return all;
    }

    /// <summary>
    /// <c>ip addr add IP/PREFIX [broadcast B] [scope S] dev X [nodad ...]</c>. <paramref name="flags"/> are IFA_F_*
    /// (IFA_F_NODAD, IFA_F_NOPREFIXROUTE ...). An existing identical address throws EEXIST.
    /// </summary>
    public void AddAddress(int index, IPAddress ip, int prefix, uint flags = 0, byte scope = 0, IPAddress? broadcast = null) =>
        Execute($"RTM_NEWADDR {ip}/{prefix} dev #{index}",
            (ref NetlinkWriter w, uint seq) => AddrMessages.Add(ref w, seq, index, ip, prefix, flags, scope, broadcast));

    /// <summary><c>ip addr replace IP/PREFIX dev X</c>: adds, or updates flags and lifetimes of an existing address.</summary>
    public void ReplaceAddress(int index, IPAddress ip, int prefix, uint flags = 0, byte scope = 0, IPAddress? broadcast = null) =>
        Execute($"RTM_NEWADDR replace {ip}/{prefix} dev #{index}",
            (ref NetlinkWriter w, uint seq) => AddrMessages.Add(ref w, seq, index, ip, prefix, flags, scope, broadcast, replace: true));

    /// <summary><c>ip addr del IP/PREFIX dev X</c>; a missing address throws EADDRNOTAVAIL.</summary>
    public void DeleteAddress(int index, IPAddress ip, int prefix) =>
        Execute($"RTM_DELADDR {ip}/{prefix} dev #{index}",
            (ref NetlinkWriter w, uint seq) => AddrMessages.Delete(ref w, seq, index, ip, prefix));
}
