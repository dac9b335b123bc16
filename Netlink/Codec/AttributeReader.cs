using System.Runtime.InteropServices;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Codec;

/// <summary>
/// Walks a run of TLVs: <c>foreach (NetlinkAttribute a in reader)</c>. Stops for good at the first
/// malformed attribute (length &lt; 4 or past the end) and sets <see cref="Malformed"/>.
/// </summary>
public ref struct AttributeReader
{
    private ReadOnlySpan<byte> _rest;
    private NetlinkAttribute _current;

    public AttributeReader(ReadOnlySpan<byte> attributes) => _rest = attributes;

    public bool Malformed { get; private set; }

    public readonly NetlinkAttribute Current => _current;

    public readonly AttributeReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < NLA_HDRLEN)
        {
            Malformed |= !_rest.IsEmpty;
            _rest = default;
            return false;
        }
        ushort length = MemoryMarshal.Read<ushort>(_rest);
        ushort type = MemoryMarshal.Read<ushort>(_rest[2..]);
        if (length < NLA_HDRLEN || length > _rest.Length)
        {
            Malformed = true;
            _rest = default;
            return false;
        }
        _current = new NetlinkAttribute(type, _rest[NLA_HDRLEN..length]);
        _rest = _rest[Math.Min(Align(length), _rest.Length)..];
        return true;
    }
}
