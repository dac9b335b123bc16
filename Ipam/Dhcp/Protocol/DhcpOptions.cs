using System.Buffers.Binary;
using System.Net;

namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>The option codes the client builds or reads (RFC 2132, 3397, 3442).</summary>
public static class DhcpOptionCode
{
    public const byte Pad = 0, SubnetMask = 1, Router = 3, DomainNameServer = 6, HostName = 12, DomainName = 15,
        BroadcastAddress = 28, StaticRoutes = 33, RequestedAddress = 50, LeaseTime = 51, MessageType = 53,
        ServerIdentifier = 54, ParameterRequestList = 55, Message = 56, RenewalTime = 58, RebindingTime = 59,
        ClientIdentifier = 61, DomainSearch = 119, ClasslessStaticRoutes = 121, End = 255;
}

/// <summary>
/// The options of a message in order. A code seen twice is concatenated (RFC 3396) when decoding; Set replaces.
/// Values longer than 255 bytes are split over several instances when encoding.
/// </summary>
public sealed class DhcpOptions
{
    private readonly List<(byte Code, byte[] Value)> _items = [];

    public byte[]? Get(byte code)
    {
        foreach (var (c, value) in _items)
            if (c == code) return value;
        return null;
    }

    public void Set(byte code, byte[] value)
    {
        _items.RemoveAll(i => i.Code == code);
        _items.Add((code, value));
    }

    public void Set(byte code, IPAddress address) => Set(code, address.GetAddressBytes());

    public IPAddress? Address(byte code) => Get(code) is { Length: 4 } v ? new IPAddress(v) : null;

    public IReadOnlyList<IPAddress> Addresses(byte code)
    {
        var value = Get(code);
        if (value is null) return [];
        var list = new List<IPAddress>();
        for (int i = 0; i + 4 <= value.Length; i += 4) list.Add(new IPAddress(value.AsSpan(i, 4)));
        return list;
    }

    public uint? Seconds(byte code) =>
        Get(code) is { Length: 4 } v ? BinaryPrimitives.ReadUInt32BigEndian(v) : null;

    public byte[] Encode()
    {
        var output = new List<byte>();
        foreach (var (code, value) in _items)
        {
            int offset = 0;
            do
            {
                int chunk = Math.Min(255, value.Length - offset);
                output.Add(code);
                output.Add((byte)chunk);
                output.AddRange(value.AsSpan(offset, chunk));
                offset += chunk;
            } while (offset < value.Length);
        }
        output.Add(DhcpOptionCode.End);
        return output.ToArray();
    }

    /// <summary>Reads options up to End; false when a length runs past the data. Option overload is not used.</summary>
    public bool TryDecode(ReadOnlySpan<byte> data)
    {
        int i = 0;
        while (i < data.Length)
        {
            byte code = data[i++];
            if (code == DhcpOptionCode.Pad) continue;
            if (code == DhcpOptionCode.End) return true;
            if (i >= data.Length || i + 1 + data[i] > data.Length) return false;
            var value = data.Slice(i + 1, data[i]).ToArray();
            i += 1 + value.Length;
            int existing = _items.FindIndex(x => x.Code == code);
            if (existing >= 0) _items[existing] = (code, [.. _items[existing].Value, .. value]);
            else _items.Add((code, value));
        }
        return true;
    }
}
