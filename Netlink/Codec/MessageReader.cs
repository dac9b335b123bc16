using System.Runtime.InteropServices;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Codec;

/// <summary>
/// Walks the nlmsghdrs of one datagram: <c>foreach (NetlinkMessage m in reader)</c>. Stops for good
/// at a header whose length is below 16 or past the end (NLMSG_OK) and sets <see cref="Malformed"/>.
/// </summary>
public ref struct MessageReader
{
    private ReadOnlySpan<byte> _rest;
    private NetlinkMessage _current;

    public MessageReader(ReadOnlySpan<byte> datagram) => _rest = datagram;

    public bool Malformed { get; private set; }

    public readonly NetlinkMessage Current => _current;

    public readonly MessageReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < NLMSG_HDRLEN)
        {
            Malformed |= !_rest.IsEmpty;
            _rest = default;
            return false;
        }
        NlMsgHdr header = MemoryMarshal.Read<NlMsgHdr>(_rest);
        if (header.nlmsg_len < NLMSG_HDRLEN || header.nlmsg_len > (uint)_rest.Length)
        {
            Malformed = true;
            _rest = default;
            return false;
        }
        int length = (int)header.nlmsg_len;
        _current = new NetlinkMessage(header, _rest[NLMSG_HDRLEN..length]);
        _rest = _rest[Math.Min(Align(length), _rest.Length)..];
        return true;
    }
}
