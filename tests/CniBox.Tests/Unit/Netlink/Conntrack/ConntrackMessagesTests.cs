using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Conntrack;
using CniBox.Netlink.Netfilter;
using static CniBox.Netlink.Constants.Ctnl;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Tests.Unit.Netlink.Conntrack;

/// <summary>
/// Our ctnetlink builders against conntrack-tools 1.4.7's bytes (<see cref="ConntrackRequestCaptures"/>), built with
/// its sequence numbers, and the kernel's dump replies (<see cref="ConntrackReplyCaptures"/>) parsed back.
/// </summary>
[TestFixture]
public sealed class ConntrackMessagesTests
{
    private const uint ListSeq = 1796118634;
    private const uint DeleteSeq = 1796118640;

    [Test]
    public void DumpRequestsAreTheConntrackToolsBytes() => Assert.Multiple(() =>
    {
        Assert.That(GoldenRequest.Of((ref w) => ConntrackMessages.Dump(ref w, ListSeq, AddressFamily.InterNetwork)),
            Is.EqualTo(ConntrackRequestCaptures.DumpIpv4));
        Assert.That(GoldenRequest.Of((ref w) => ConntrackMessages.Dump(ref w, ListSeq, AddressFamily.InterNetworkV6)),
            Is.EqualTo(ConntrackRequestCaptures.DumpIpv6));
        Assert.That(GoldenRequest.Of((ref w) => ConntrackMessages.Dump(ref w, DeleteSeq, AddressFamily.Unspecified)),
            Is.EqualTo(ConntrackRequestCaptures.DumpAll));
    });

    [Test]
    public void DumpRefusesAFamilyConntrackDoesNotKeep() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GoldenRequest.Of((ref w) => ConntrackMessages.Dump(ref w, 1, AddressFamily.Unix)));

    [Test]
    public void ParsesTheOriginalTuplesOfAnIpv4Dump()
    {
        List<ConntrackEntry?> parsed = ParseAll(ConntrackReplyCaptures.DumpIpv4Reply);
        IPAddress a = IPAddress.Parse("10.199.180.1"), b = IPAddress.Parse("10.199.180.2");
        Assert.That(parsed, Is.EqualTo(new ConntrackEntry?[]
        {
            new(AddressFamily.InterNetwork, IPPROTO_UDP, a, b, 40000, 5001, 0),
            new(AddressFamily.InterNetwork, IPPROTO_TCP, a, b, 40002, 5001, 0),
            null, // NLMSG_DONE
        }));
    }

    [Test]
    public void ParsesTheZoneOfAnIpv6Entry()
    {
        List<ConntrackEntry?> parsed = ParseAll(ConntrackReplyCaptures.DumpIpv6Reply);
        IPAddress a = IPAddress.Parse("fd99:0:180::1"), b = IPAddress.Parse("fd99:0:180::2");
        Assert.That(parsed, Is.EqualTo(new ConntrackEntry?[]
        {
            new(AddressFamily.InterNetworkV6, IPPROTO_UDP, a, b, 40001, 5001, 7),
            new(AddressFamily.InterNetworkV6, IPPROTO_UDP, a, b, 40003, 5002, 0),
            null,
        }));
    }

    [Test]
    public void AnIcmpEntryHasNoPorts() =>
        Assert.That(ParseAll(ConntrackReplyCaptures.DumpIcmpReply)[0], Is.EqualTo(new ConntrackEntry(AddressFamily.InterNetwork,
            IPPROTO_ICMP, IPAddress.Parse("10.199.180.1"), IPAddress.Parse("10.199.180.2"), 0, 0, 0)));

    [Test]
    public void DeleteOfADumpedZonedEntryIsConntracksDeleteLessWhatTheKernelIgnores() =>
        Assert.That(Delete(ConntrackReplyCaptures.DumpIpv6Reply),
            Is.EqualTo(KeepAttributes(ConntrackRequestCaptures.DeleteIpv6Zoned, CTA_TUPLE_ORIG, CTA_ZONE)));

    [Test]
    public void DeleteOfAnEntryWithoutZoneSendsNoZone()
    {
        byte[] ours = Delete(ConntrackReplyCaptures.DumpIpv4Reply);
        Assert.That(ours, Is.EqualTo(KeepAttributes(ConntrackRequestCaptures.DeleteIpv4, CTA_TUPLE_ORIG)));
        Assert.That(TopLevelTypes(ours), Is.EqualTo(new[] { CTA_TUPLE_ORIG }));
    }

    [Test]
    public void DeleteNamesTheDumpedTupleVerbatimEvenWithoutPorts()
    {
        byte[] ours = Delete(ConntrackReplyCaptures.DumpIcmpReply);
        NetlinkMessage m = GoldenRequest.Single(ours);
        Assert.That((m.Type, m.Flags), Is.EqualTo((ConntrackMessages.Type(IPCTNL_MSG_CT_DELETE), (ushort)(NLM_F_REQUEST | NLM_F_ACK))));
        byte[] dumped = OriginalTuple(GoldenRequest.Single(ConntrackReplyCaptures.DumpIcmpReply));
        Assert.That(OriginalTuple(m), Is.EqualTo(dumped), "ICMP type, code and id go back as the kernel sent them");
    }

    [Test]
    public void OtherMessagesAndEntriesWithoutAnIpTupleAreSkipped()
    {
        byte[] done = ConntrackReplyCaptures.DumpIpv4Reply[^20..];
        Assert.That(ConntrackParse.Entry(GoldenRequest.Single(done)), Is.Null);
        byte[] protoOnly = GoldenRequest.Of((ref w) =>
        {
            w.BeginMessage(ConntrackMessages.Type(IPCTNL_MSG_CT_NEW), NLM_F_MULTI, 1);
            w.WriteStruct(new NfGenMsg { nfgen_family = 2 });
            NestToken orig = w.BeginNest(CTA_TUPLE_ORIG, setNestedFlag: true);
            NestToken proto = w.BeginNest(CTA_TUPLE_PROTO, setNestedFlag: true);
            w.PutU8(CTA_PROTO_NUM, IPPROTO_UDP);
            w.EndNest(proto);
            w.EndNest(orig);
            w.EndMessage();
        });
        Assert.That(ConntrackParse.Entry(GoldenRequest.Single(protoOnly)), Is.Null);
    }

    [Test]
    public void AnAddressOfTheWrongSizeIsMalformed()
    {
        byte[] bad = GoldenRequest.Of((ref w) =>
        {
            w.BeginMessage(ConntrackMessages.Type(IPCTNL_MSG_CT_NEW), NLM_F_MULTI, 1);
            w.WriteStruct(new NfGenMsg { nfgen_family = 10 });
            NestToken orig = w.BeginNest(CTA_TUPLE_ORIG, setNestedFlag: true);
            NestToken ip = w.BeginNest(CTA_TUPLE_IP, setNestedFlag: true);
            w.PutBytes(CTA_IP_V6_SRC, [10, 199, 180, 1]);
            w.EndNest(ip);
            w.EndNest(orig);
            w.EndMessage();
        });
        Assert.Throws<InvalidDataException>(() => ConntrackParse.Entry(GoldenRequest.Single(bad)));
    }

    private static List<ConntrackEntry?> ParseAll(byte[] datagram)
    {
        var entries = new List<ConntrackEntry?>();
        var reader = new MessageReader(datagram);
        while (reader.MoveNext())
            entries.Add(ConntrackParse.Entry(reader.Current));
        Assert.That(reader.Malformed, Is.False);
        return entries;
    }

    /// <summary>Our delete, with conntrack's -D sequence number, of the first entry of a captured dump.</summary>
    private static byte[] Delete(byte[] dumpReply)
    {
        ConntrackFlow flow = ConntrackParse.Flow(GoldenRequest.Single(dumpReply))!;
        return GoldenRequest.Of((ref w) => ConntrackMessages.Delete(ref w, DeleteSeq, flow));
    }

    private static byte[] OriginalTuple(NetlinkMessage m)
    {
        foreach (NetlinkAttribute a in m.Attributes(4))
            if (a.Type == CTA_TUPLE_ORIG)
                return a.Payload.ToArray();
        throw new AssertionException("no CTA_TUPLE_ORIG");
    }

    private static ushort[] TopLevelTypes(byte[] message)
    {
        var types = new List<ushort>();
        foreach (NetlinkAttribute a in GoldenRequest.Single(message).Attributes(4))
            types.Add(a.Type);
        return [.. types];
    }

    /// <summary>
    /// A captured message with only the top-level attributes of the given types (nests whole, in their order) and
    /// nlmsg_len recomputed.
    /// </summary>
    private static byte[] KeepAttributes(byte[] message, params ushort[] keep)
    {
        var kept = new List<byte>(message[..(NLMSG_HDRLEN + 4)]);
        int offset = NLMSG_HDRLEN + 4;
        while (offset + NLA_HDRLEN <= message.Length)
        {
            ushort length = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(offset));
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(offset + 2)) & NLA_TYPE_MASK);
            int padded = Math.Min(Align(length), message.Length - offset);
            if (keep.Contains(type))
                kept.AddRange(message.AsSpan(offset, padded));
            offset += padded;
        }
        byte[] result = [.. kept];
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)result.Length);
        return result;
    }
}
