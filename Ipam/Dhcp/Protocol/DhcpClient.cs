using System.Net;

namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>What the client says about itself in every message: option 61, the parameter list, provided options.</summary>
public sealed record ClientIdentity(byte[] ClientId, IReadOnlyList<byte> Requested, IReadOnlyList<(byte Code, byte[] Value)> Provided);

/// <summary>
/// The DHCPv4 client of one lease (RFC 2131 4.4): DISCOVER/OFFER/REQUEST/ACK, renew (unicast to the server from
/// the leased address), rebind (broadcast with ciaddr), release (unicast from the leased address, which servers
/// such as dnsmasq require before they free it). Every exchange opens the link, uses it and closes it.
/// </summary>
public sealed class DhcpClient(IDhcpLinkOpener opener, ClientIdentity identity, DhcpTimings timings, TimeProvider clock)
{
    public static readonly TimeSpan PauseAfterNak = TimeSpan.FromSeconds(1);

    public TimeProvider Clock => clock;

    /// <summary>A new lease; a NAK starts over. Fails with <see cref="DhcpTimeoutException"/> after ResendTimeout.</summary>
    public async Task<DhcpLease> AcquireAsync(CancellationToken cancel)
    {
        var deadline = clock.GetUtcNow() + timings.ResendTimeout;
        using var link = opener.Open();
        while (clock.GetUtcNow() < deadline)
        {
            uint xid = (uint)Random.Shared.Next();
            var discover = Message(DhcpMessageType.Discover, xid, link.Mac);
            var offer = await DhcpExchange.RunAsync(link, () => DhcpExchange.Frame(discover, link.Mac),
                m => m.Xid == xid && m.Type == DhcpMessageType.Offer, deadline, timings, clock, cancel);
            if (offer is not { Message: var o }) break;
            var request = Message(DhcpMessageType.Request, xid, link.Mac);
            request.Options.Set(DhcpOptionCode.RequestedAddress, o.YourAddress);
            if (o.Options.Get(DhcpOptionCode.ServerIdentifier) is { } server) request.Options.Set(DhcpOptionCode.ServerIdentifier, server);
            var answer = await DhcpExchange.RunAsync(link, () => DhcpExchange.Frame(request, link.Mac),
                m => m.Xid == xid && m.Type is DhcpMessageType.Ack or DhcpMessageType.Nak, deadline, timings, clock, cancel);
            if (answer is not { Message: var a, Mac: var mac }) break;
            if (a.Type == DhcpMessageType.Ack && DhcpLease.FromAck(a, mac, clock.GetUtcNow()) is { } lease) return lease;
            // A NAK (or an unusable ACK): start over, but not in a tight loop against a server that refuses everything.
            await Task.Delay(PauseAfterNak, clock, cancel);
        }
        throw new DhcpTimeoutException($"no DHCP lease within {timings.ResendTimeout.TotalSeconds:0.###}s " +
            "(no server answered the DISCOVER, or it never acknowledged)");
    }

    /// <summary>RENEWING: unicast REQUEST with ciaddr until <paramref name="until"/>; the new lease, null on no answer, throws on NAK.</summary>
    public Task<DhcpLease?> RenewAsync(DhcpLease lease, DateTimeOffset until, CancellationToken cancel) =>
        ExtendAsync(lease, unicast: true, until, cancel);

    /// <summary>REBINDING: the same REQUEST broadcast, for any server, until the lease expires.</summary>
    public Task<DhcpLease?> RebindAsync(DhcpLease lease, CancellationToken cancel) =>
        ExtendAsync(lease, unicast: false, lease.ExpiresAt, cancel);

    /// <summary>RELEASE, sent once from the leased address to the server that granted it (RFC 2131 4.4.6).</summary>
    public async Task ReleaseAsync(DhcpLease lease, CancellationToken cancel)
    {
        using var link = opener.Open();
        var release = Message(DhcpMessageType.Release, (uint)Random.Shared.Next(), link.Mac);
        release.Options.Set(DhcpOptionCode.ServerIdentifier, lease.Server);
        release.ClientAddress = lease.Address;
        release.Flags = 0;
        await link.SendAsync(DhcpExchange.Frame(release, link.Mac, lease.Address, lease.Server, lease.ServerMac), cancel);
    }

    private async Task<DhcpLease?> ExtendAsync(DhcpLease lease, bool unicast, DateTimeOffset until, CancellationToken cancel)
    {
        using var link = opener.Open();
        uint xid = (uint)Random.Shared.Next();
        var request = Message(DhcpMessageType.Request, xid, link.Mac);
        request.ClientAddress = lease.Address;
        request.Flags = 0;
        var frame = unicast
            ? DhcpExchange.Frame(request, link.Mac, lease.Address, lease.Server, lease.ServerMac)
            : DhcpExchange.Frame(request, link.Mac, lease.Address);
        var answer = await DhcpExchange.RunAsync(link, () => frame,
            m => m.Xid == xid && m.Type is DhcpMessageType.Ack or DhcpMessageType.Nak, until, timings, clock, cancel);
        if (answer is not { Message: var a, Mac: var mac }) return null;
        if (a.Type == DhcpMessageType.Nak) throw new DhcpNakException(a.Options.Get(DhcpOptionCode.Message));
        return DhcpLease.FromAck(a, mac, clock.GetUtcNow());
    }

    private DhcpMessage Message(DhcpMessageType type, uint xid, byte[] mac)
    {
        var message = new DhcpMessage { Xid = xid, ClientHardwareAddress = mac, Flags = timings.Broadcast ? DhcpMessage.BroadcastFlag : (ushort)0 };
        message.Options.Set(DhcpOptionCode.MessageType, [(byte)type]);
        message.Options.Set(DhcpOptionCode.ClientIdentifier, identity.ClientId);
        if (type != DhcpMessageType.Release)
        {
            message.Options.Set(DhcpOptionCode.ParameterRequestList, [.. identity.Requested]);
            foreach (var (code, value) in identity.Provided) message.Options.Set(code, value);
        }
        return message;
    }
}

public sealed class DhcpTimeoutException(string message) : Exception(message);

/// <summary>The server refused to extend the lease: the client must start over (INIT).</summary>
public sealed class DhcpNakException(byte[]? text)
    : Exception("DHCPNAK" + (text is null ? "" : ": " + System.Text.Encoding.ASCII.GetString(text)));
