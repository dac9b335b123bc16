using System.Net;

namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>
/// What an ACK granted, with when: the address and mask, the server to renew with (its identifier and the MAC
/// the ACK came from), and the lease times. T1 and T2 default to 50 % and 87.5 % of the lease (RFC 2131 4.4.5).
/// </summary>
public sealed record DhcpLease
{
    public required IPAddress Address { get; init; }
    public required int PrefixLength { get; init; }
    public required IPAddress Server { get; init; }
    public required byte[] ServerMac { get; init; }
    public required DateTimeOffset AcquiredAt { get; init; }
    public required TimeSpan Duration { get; init; }
    public required TimeSpan RenewAfter { get; init; }
    public required TimeSpan RebindAfter { get; init; }
    /// <summary>The ACK's options as received, for the result (routes, DNS) and for the state file.</summary>
    public required DhcpOptions Options { get; init; }

    public DateTimeOffset RenewAt => AcquiredAt + RenewAfter;
    public DateTimeOffset RebindAt => AcquiredAt + RebindAfter;
    public DateTimeOffset ExpiresAt => AcquiredAt + Duration;

    /// <summary>The lease an ACK grants, or null when it lacks an address or a lease time.</summary>
    public static DhcpLease? FromAck(DhcpMessage ack, byte[] serverMac, DateTimeOffset now)
    {
        if (ack.YourAddress.Equals(IPAddress.Any) || ack.Options.Seconds(DhcpOptionCode.LeaseTime) is not { } seconds)
            return null;
        var duration = TimeSpan.FromSeconds(seconds);
        var t1 = ack.Options.Seconds(DhcpOptionCode.RenewalTime) is { } r ? TimeSpan.FromSeconds(r) : duration / 2;
        var t2 = ack.Options.Seconds(DhcpOptionCode.RebindingTime) is { } b ? TimeSpan.FromSeconds(b) : duration * 7 / 8;
        if (t2 > duration) t2 = duration * 7 / 8;
        if (t1 > t2) t1 = t2 / 2;
        return new DhcpLease
        {
            Address = ack.YourAddress,
            PrefixLength = PrefixOf(ack.Options.Address(DhcpOptionCode.SubnetMask), ack.YourAddress),
            Server = ack.Options.Address(DhcpOptionCode.ServerIdentifier) ?? ack.ServerAddress,
            ServerMac = serverMac,
            AcquiredAt = now,
            Duration = duration,
            RenewAfter = t1,
            RebindAfter = t2,
            Options = ack.Options,
        };
    }

    /// <summary>The mask's prefix length; without option 1, the address class's default mask, as Go's client does.</summary>
    private static int PrefixOf(IPAddress? mask, IPAddress address)
    {
        if (mask is null) return LeaseRoutes.ClassfulPrefix(address);
        uint bits = (uint)System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(mask.GetAddressBytes());
        return System.Numerics.BitOperations.PopCount(bits);
    }
}
