using System.Buffers.Binary;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nft;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Netfilter;

/// <summary>Writes one nf_tables message of a batch.</summary>
public delegate void NftMessageBuilder(ref NetlinkWriter writer);

/// <summary>
/// The messages of one atomic nf_tables change, committed by <see cref="NftHandle.Commit"/> between
/// NFNL_MSG_BATCH_BEGIN and _END: all of them take effect or none. Methods read like the nft commands they mirror.
/// </summary>
public sealed class NftBatch
{
    /// <summary>Room guaranteed for one message; a rule with a 128-byte comment and a dozen expressions needs ~700.</summary>
    private const int MaxMessageSize = 8192;

    private readonly List<(int Offset, string Description)> _messages = [];
    private byte[] _buffer = new byte[MaxMessageSize];
    private int _length;


    public int Count => _messages.Count;

    /// <summary>What each message does, in order, e.g. <c>add rule inet t c</c>; errors name them the same way.</summary>
    public IEnumerable<string> Descriptions => _messages.Select(m => m.Description);

    public NftBatch AddTable(NftFamily family, string name, string? comment = null) =>
        Add($"add table {Name(family)} {name}", (ref NetlinkWriter w) => NftMessages.NewTable(ref w, 0, family, name, comment));

    public NftBatch DeleteTable(NftFamily family, string name) =>
        Add($"delete table {Name(family)} {name}", (ref NetlinkWriter w) => NftMessages.DelTable(ref w, 0, family, name));

    /// <summary><c>nft add chain</c>: creates the chain or leaves an identical one alone.</summary>
    public NftBatch AddChain(NftChain chain) =>
        Add($"add chain {Name(chain.Family)} {chain.Table} {chain.Name}", (ref NetlinkWriter w) => NftMessages.NewChain(ref w, 0, chain));

    public NftBatch DeleteChain(NftFamily family, string table, string name) =>
        Add($"delete chain {Name(family)} {table} {name}", (ref NetlinkWriter w) => NftMessages.DelChain(ref w, 0, family, table, name));

    public NftBatch FlushChain(NftFamily family, string table, string name) =>
        Add($"flush chain {Name(family)} {table} {name}", (ref NetlinkWriter w) => NftMessages.FlushChain(ref w, 0, family, table, name));

    public NftBatch AddRule(NftRule rule) =>
        Add($"add rule {Name(rule.Family)} {rule.Table} {rule.Chain}{(rule.Comment is null ? "" : $" comment \"{rule.Comment}\"")}",
            (ref NetlinkWriter w) => NftMessages.NewRule(ref w, 0, rule));

    public NftBatch DeleteRule(NftFamily family, string table, string chain, ulong handle) =>
        Add($"delete rule {Name(family)} {table} {chain} handle {handle}",
            (ref NetlinkWriter w) => NftMessages.DelRule(ref w, 0, family, table, chain, handle));

    public NftBatch DeleteRule(NftRuleInfo rule) => DeleteRule(rule.Family, rule.Table, rule.Chain, rule.Handle);

    public static string Name(NftFamily family) => family switch
    {
        NftFamily.Inet => "inet",
        NftFamily.Ip => "ip",
        NftFamily.Arp => "arp",
        NftFamily.Netdev => "netdev",
        NftFamily.Bridge => "bridge",
        NftFamily.Ip6 => "ip6",
        _ => ((byte)family).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    internal string Describe(int index) => _messages[index].Description;

    /// <summary>
    /// The datagram: BATCH_BEGIN (seq <paramref name="firstSeq"/>), each message with seq firstSeq+1+i and NLM_F_ACK
    /// (and NLM_F_ECHO when <paramref name="echo"/>), then BATCH_END. Message i therefore answers with seq firstSeq+1+i.
    /// </summary>
    internal byte[] Seal(uint firstSeq, bool echo = false)
    {
        ushort added = (ushort)(NLM_F_ACK | (echo ? NLM_F_ECHO : 0));
        const int markerSize = 20;
        byte[] datagram = new byte[markerSize + _length + markerSize];
        var begin = new NetlinkWriter(datagram.AsSpan(0, markerSize));
        NftMessages.BatchMarker(ref begin, NFNL_MSG_BATCH_BEGIN, firstSeq);
        _buffer.AsSpan(0, _length).CopyTo(datagram.AsSpan(markerSize));
        for (int i = 0; i < _messages.Count; i++)
        {
            Span<byte> header = datagram.AsSpan(markerSize + _messages[i].Offset, NLMSG_HDRLEN);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)(flags | added));
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], firstSeq + 1 + (uint)i);
        }
        var end = new NetlinkWriter(datagram.AsSpan(markerSize + _length));
        NftMessages.BatchMarker(ref end, NFNL_MSG_BATCH_END, firstSeq + 1 + (uint)_messages.Count);
        return datagram;
    }

    /// <summary>
    /// Any other message, built with seq 0 (<see cref="Seal"/> numbers it), for encodings beyond nft's own, such as
    /// iptables-nft's.
    /// </summary>
    public NftBatch Add(string description, NftMessageBuilder build)
    {
        if (_buffer.Length - _length < MaxMessageSize)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + MaxMessageSize));
        var writer = new NetlinkWriter(_buffer.AsSpan(_length, MaxMessageSize));
        build(ref writer);
        _messages.Add((_length, description));
        _length += writer.Length;
        return this;
    }
}
