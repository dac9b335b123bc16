using System.Net;

namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>
/// One request/answer exchange on a link: send, wait up to <see cref="DhcpTimings.Timeout"/> for a matching
/// answer, resend with RFC 2131's doubling backoff (4 s, 8 s, ... capped at ResendMax) until the deadline.
/// </summary>
public static class DhcpExchange
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(4);

    /// <summary>The first answer <paramref name="accept"/> takes, with the MAC it came from; null when the deadline passed.</summary>
    public static async Task<(DhcpMessage Message, byte[] Mac)?> RunAsync(IDhcpLink link, Func<byte[]> frame,
        Func<DhcpMessage, bool> accept, DateTimeOffset deadline, DhcpTimings timings, TimeProvider clock,
        CancellationToken cancel)
    {
        var backoff = FirstBackoff;
        while (clock.GetUtcNow() < deadline)
        {
            await link.SendAsync(frame(), cancel);
            var wait = Min(Min(timings.Timeout, backoff), deadline - clock.GetUtcNow());
            if (await WaitForAsync(link, accept, wait, clock, cancel) is { } answer) return answer;
            backoff = Min(backoff * 2, timings.ResendMax);
        }
        return null;
    }

    private static async Task<(DhcpMessage, byte[])?> WaitForAsync(IDhcpLink link, Func<DhcpMessage, bool> accept,
        TimeSpan wait, TimeProvider clock, CancellationToken cancel)
    {
        if (wait <= TimeSpan.Zero) return null;
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var timer = clock.CreateTimer(_ => window.Cancel(), null, wait, Timeout.InfiniteTimeSpan);
        try
        {
            while (true)
            {
                var frame = UdpFrame.TryDecode(await link.ReceiveAsync(window.Token));
                if (frame is not { DestinationPort: UdpFrame.ClientPort }) continue;
                if (DhcpMessage.TryDecode(frame.Payload) is { Op: 2 } message && accept(message))
                    return (message, frame.SourceMac);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A client message in a frame: broadcast from 0.0.0.0, or unicast from <paramref name="from"/> to the server.</summary>
    public static byte[] Frame(DhcpMessage message, byte[] mac, IPAddress? from = null, IPAddress? to = null,
        byte[]? toMac = null) =>
        new UdpFrame(toMac ?? UdpFrame.BroadcastMac, mac, from ?? IPAddress.Any, to ?? IPAddress.Broadcast,
            UdpFrame.ClientPort, UdpFrame.ServerPort, message.Encode()).Encode();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
