using System.Runtime.InteropServices;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Netfilter.Xtables;
using CniBox.Netlink.Routes;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Fuzz;

/// <summary>
/// Netlink receive buffers as the socket hands them over. Each message is read as every reply type the product
/// parses (its own type is ignored), so a mutation of the payload reaches the link, address, route and nf_tables
/// parsers alike; <see cref="InvalidDataException"/> is the codec's answer to a short attribute or header.
/// </summary>
public static class KernelReplies
{
    private static readonly ushort[] RtnlTypes = [RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE];

    public static void Rtnetlink(ReadOnlySpan<byte> datagram)
    {
        foreach (NetlinkMessage m in new MessageReader(datagram))
        {
            Walk(m.Payload, depth: 0);
            foreach (ushort type in RtnlTypes)
            {
                var retyped = new NetlinkMessage(WithType(m.Header, type), m.Payload);
                try
                {
                    _ = LinkMessages.Parse(retyped)?.ToString();
                    _ = AddrMessages.Parse(retyped)?.ToString();
                    _ = RouteMessages.Parse(retyped)?.ToString();
                }
                catch (InvalidDataException)
                {
                }
            }
        }
    }

    public static void Nftables(ReadOnlySpan<byte> datagram)
    {
        ushort[] types = [NftMessages.Type(NFT_MSG_NEWTABLE), NftMessages.Type(NFT_MSG_NEWCHAIN), NftMessages.Type(NFT_MSG_NEWRULE)];
        foreach (NetlinkMessage m in new MessageReader(datagram))
        {
            foreach (ushort type in types)
            {
                var retyped = new NetlinkMessage(WithType(m.Header, type), m.Payload);
                try
                {
                    _ = NftParse.Table(retyped)?.ToString();
                    _ = NftParse.Chain(retyped)?.ToString();
                    if (NftParse.Rule(retyped) is { } rule)
                    {
                        _ = NftParse.RawExpressions(rule.Program).Count;
                        _ = XtRuleDecoder.Decode(rule)?.ToString();
                        _ = XtRuleDecoder.Decode(rule with { Family = NftFamily.Ip6 })?.ToString();
                    }
                }
                catch (InvalidDataException)
                {
                }
            }
        }
    }

    private static NlMsgHdr WithType(NlMsgHdr header, ushort type)
    {
        header.nlmsg_type = type;
        return header;
    }

    /// <summary>Every run of attributes, nested or not, as a generic dump walker would see them.</summary>
    private static void Walk(ReadOnlySpan<byte> attributes, int depth)
    {
        if (depth > 32) return;
        foreach (NetlinkAttribute a in new AttributeReader(attributes))
            if (a.Payload.Length >= NLA_HDRLEN) Walk(a.Payload, depth + 1);
    }
}
