using System.Net.Sockets;
using System.Net;
using System.Runtime.CompilerServices;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Fra;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Rules;

/// <summary>
/// RTM_*RULE requests, byte for byte what iproute2 6.1 sends, and the RTM_NEWRULE parser. Attribute order:
/// FRA_SRC, FRA_DST, FRA_IIFNAME, FRA_OIFNAME, FRA_FWMARK, FRA_FWMASK, FRA_TABLE, FRA_PRIORITY.
/// </summary>
public static class RuleMessages
{
    /// <summary>As <c>ip rule add ...</c>: action FR_ACT_TO_TBL, NLM_F_CREATE | NLM_F_EXCL.</summary>
    public static void Add(ref NetlinkWriter w, uint seq, RuleSpec rule) =>
        Write(ref w, RTM_NEWRULE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, FR_ACT_TO_TBL, seq, rule);

    /// <summary>As <c>ip rule del ...</c>: action FR_ACT_UNSPEC, so the kernel matches the other selectors only.</summary>
    public static void Delete(ref NetlinkWriter w, uint seq, RuleSpec rule) =>
        Write(ref w, RTM_DELRULE, NLM_F_REQUEST | NLM_F_ACK, FR_ACT_UNSPEC, seq, rule);

    /// <summary>As <c>ip [-6] rule show</c>.</summary>
    public static void Dump(ref NetlinkWriter w, uint seq, AddressFamily family)
    {
        w.BeginMessage(RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new FibRuleHdr { family = AddrMessages.ToKernel(family) });
        w.EndMessage();
    }

    /// <summary>Parses an RTM_NEWRULE message; null for other types and families.</summary>
    public static RuleSpec? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWRULE)
            return null;
        FibRuleHdr hdr = message.ReadStruct<FibRuleHdr>();
        if (hdr.family is not (AF_INET or AF_INET6))
            return null;
        AddressFamily family = hdr.family == AF_INET ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        IPAddress? src = null, dst = null;
        string? iif = null, oif = null;
        uint table = hdr.table;
        uint? priority = null, mark = null, mask = null;
        foreach (NetlinkAttribute a in message.Attributes(Unsafe.SizeOf<FibRuleHdr>()))
        {
            switch (a.Type)
            {
                case FRA_SRC: src = ToAddress(a.Payload); break;
                case FRA_DST: dst = ToAddress(a.Payload); break;
                case FRA_IIFNAME: iif = a.GetString(); break;
                case FRA_OIFNAME: oif = a.GetString(); break;
                case FRA_FWMARK: mark = a.GetU32(); break;
                case FRA_FWMASK: mask = a.GetU32(); break;
                case FRA_TABLE: table = a.GetU32(); break;
                case FRA_PRIORITY: priority = a.GetU32(); break;
            }
        }
        return new RuleSpec
        {
            Family = family,
            Priority = priority ?? 0,
            Table = table,
            Source = src is null ? null : new IPNetwork(src, hdr.src_len),
            Destination = dst is null ? null : new IPNetwork(dst, hdr.dst_len),
            IifName = iif,
            OifName = oif,
            Fwmark = mark,
            FwMask = mask,
        };
    }

    private static void Write(ref NetlinkWriter w, ushort type, ushort flags, byte action, uint seq, RuleSpec rule)
    {
        byte family = AddrMessages.ToKernel(rule.Family);
        w.BeginMessage(type, flags, seq);
        w.WriteStruct(new FibRuleHdr
        {
            family = family,
            dst_len = (byte)(rule.Destination?.PrefixLength ?? 0),
            src_len = (byte)(rule.Source?.PrefixLength ?? 0),
            table = rule.Table <= 255 ? (byte)rule.Table : (byte)0,
            action = action,
        });
        Span<byte> bytes = stackalloc byte[16];
        if (rule.Source is { } src)
            w.PutBytes(FRA_SRC, AddrMessages.Bytes(Checked(src.BaseAddress, rule.Family), bytes));
        if (rule.Destination is { } dst)
            w.PutBytes(FRA_DST, AddrMessages.Bytes(Checked(dst.BaseAddress, rule.Family), bytes));
        if (rule.IifName is not null)
            w.PutStringZ(FRA_IIFNAME, rule.IifName);
        if (rule.OifName is not null)
            w.PutStringZ(FRA_OIFNAME, rule.OifName);
        if (rule.Fwmark is { } mark)
            w.PutU32(FRA_FWMARK, mark);
        if (rule.FwMask is { } mask)
            w.PutU32(FRA_FWMASK, mask);
        if (rule.Table > 255)
            w.PutU32(FRA_TABLE, rule.Table);
        if (rule.Priority is { } priority)
            w.PutU32(FRA_PRIORITY, priority);
        w.EndMessage();
    }

    private static IPAddress Checked(IPAddress ip, AddressFamily family) =>
        ip.AddressFamily == family ? ip : throw new ArgumentException($"{ip} is not in the rule's family {family}");

    private static IPAddress? ToAddress(ReadOnlySpan<byte> payload) =>
        payload.Length is 4 or 16 ? new IPAddress(payload) : null;
}
