using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifa;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Route;

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

    private static IPAddress? ToAddress(ReadOnlySpan<byte> payload) =>
        payload.Length is 4 or 16 ? new IPAddress(payload) : null;
}
