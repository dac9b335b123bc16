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

    /// <summary><c>ip addr add IP/PREFIX [broadcast B] [scope S] dev X [nodad ...]</c>; an existing identical address throws EEXIST.</summary>
    public void AddAddress(AddrSpec addr) =>
        Execute($"RTM_NEWADDR {addr}", (ref NetlinkWriter w, uint seq) => AddrMessages.Add(ref w, seq, addr));

    /// <summary><c>ip addr del IP/PREFIX dev X</c>; a missing address throws EADDRNOTAVAIL.</summary>
    public void DeleteAddress(int index, IPAddress ip, int prefix) =>
        Execute($"RTM_DELADDR {ip}/{prefix} dev #{index}",
            (ref NetlinkWriter w, uint seq) => AddrMessages.Delete(ref w, seq, index, ip, prefix));
}
