using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifa;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Addresses;

/// <summary>RTM_*ADDR requests, byte for byte what iproute2 6.1 sends, and the RTM_NEWADDR parser.</summary>
public static class AddrMessages
{
    /// <summary>As <c>ip [-4|-6] addr show [dev X]</c> dumps addresses; index 0 means all links.</summary>
    public static void Dump(ref NetlinkWriter w, uint seq, AddressFamily family, int index)
    {
        w.BeginMessage(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new IfAddrMsg { ifa_family = ToKernel(family), ifa_index = (uint)index });
        w.EndMessage();
    }

    /// <summary>
    /// As <c>ip addr add IP/PREFIX [broadcast B] dev X [nodad ...]</c>: IFA_LOCAL, IFA_BROADCAST, then IFA_ADDRESS.
    /// Flags up to 0xff go into ifa_flags (as iproute does), larger ones into IFA_FLAGS.
    /// </summary>
    public static void Add(ref NetlinkWriter w, uint seq, AddrSpec addr) =>
        Write(ref w, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, addr);

    /// <summary>As <c>ip addr del IP/PREFIX dev X</c>.</summary>
    public static void Delete(ref NetlinkWriter w, uint seq, int index, IPAddress ip, int prefix) =>
        Write(ref w, RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, seq, new AddrSpec(index, ip, prefix));

    /// <summary>Parses an RTM_NEWADDR message; null for any other type or an unknown family.</summary>
    public static AddrInfo? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWADDR)
            return null;
        IfAddrMsg ifa = message.ReadStruct<IfAddrMsg>();
        AddressFamily family = ifa.ifa_family switch
        {
            AF_INET => AddressFamily.InterNetwork,
            AF_INET6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown)
            return null;
        IPAddress? address = null, local = null;
        string? label = null;
        uint flags = ifa.ifa_flags;
        foreach (NetlinkAttribute a in message.Attributes(Unsafe.SizeOf<IfAddrMsg>()))
        {
            switch (a.Type)
            {
                case IFA_ADDRESS: address = ToAddress(a.Payload); break;
                case IFA_LOCAL: local = ToAddress(a.Payload); break;
                case IFA_LABEL: label = a.GetString(); break;
                case IFA_FLAGS: flags = a.GetU32(); break;
            }
        }
        IPAddress? chosen = local ?? address;
        return chosen is null
            ? null
            : new AddrInfo((int)ifa.ifa_index, family, ifa.ifa_prefixlen, chosen, ifa.ifa_scope, flags, label);
    }

    /// <summary>System.Net's AddressFamily numbers differ from Linux's (InterNetworkV6 is 23, AF_INET6 is 10).</summary>
    public static byte ToKernel(AddressFamily family) => family switch
    {
        AddressFamily.Unspecified => AF_UNSPEC,
        AddressFamily.InterNetwork => AF_INET,
        AddressFamily.InterNetworkV6 => AF_INET6,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "only Unspecified, InterNetwork and InterNetworkV6"),
    };

    private static void Write(ref NetlinkWriter w, ushort type, ushort nlFlags, uint seq, AddrSpec addr)
    {
        (IPAddress ip, int prefix, uint flags, IPAddress? broadcast) = (addr.Address, addr.PrefixLength, addr.Flags, addr.Broadcast);
        int bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix < 0 || prefix > bits)
            throw new ArgumentOutOfRangeException(nameof(addr), prefix, $"prefix length must be 0 to {bits}");
        if (broadcast is not null && broadcast.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException("a broadcast address exists only for IPv4", nameof(addr));
        w.BeginMessage(type, nlFlags, seq);
        w.WriteStruct(new IfAddrMsg
        {
            ifa_family = ToKernel(ip.AddressFamily),
            ifa_prefixlen = (byte)prefix,
            ifa_flags = flags <= 0xff ? (byte)flags : (byte)0,
            ifa_scope = addr.Scope,
            ifa_index = (uint)addr.Index,
        });
        Span<byte> bytes = stackalloc byte[16];
        w.PutBytes(IFA_LOCAL, Bytes(ip, bytes));
        if (broadcast is not null)
            w.PutBytes(IFA_BROADCAST, Bytes(broadcast, bytes));
        w.PutBytes(IFA_ADDRESS, Bytes(ip, bytes));
        if (flags > 0xff)
            w.PutU32(IFA_FLAGS, flags);
        w.EndMessage();
    }

    internal static ReadOnlySpan<byte> Bytes(IPAddress ip, Span<byte> buffer)
    {
        if (!ip.TryWriteBytes(buffer, out int written))
            throw new ArgumentException($"cannot encode {ip}", nameof(ip));
        return buffer[..written];
    }

    private static IPAddress? ToAddress(ReadOnlySpan<byte> payload) =>
        payload.Length is 4 or 16 ? new IPAddress(payload) : null;
}
