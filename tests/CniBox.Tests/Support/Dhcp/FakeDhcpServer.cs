using System.Net;
using System.Threading.Channels;
using CniBox.Ipam.Dhcp.Protocol;

namespace CniBox.Tests.Support.Dhcp;

/// <summary>What the fake server does with a REQUEST: acknowledge it, refuse it, or stay silent.</summary>
public enum RequestAnswer { Ack, Nak, NakOnce, Silent }

/// <summary>
/// A scripted DHCP server behind fake links: every frame the client sends is recorded with the fake clock's time;
/// DISCOVER gets an OFFER of <see cref="Offered"/>, REQUEST what <see cref="Answer"/> says, with a 60 s lease.
/// </summary>
public sealed class FakeDhcpServer(FakeClock clock) : IDhcpLinkOpener
{
    public static readonly byte[] ClientMac = [0x02, 0, 0, 0, 0, 0x01];
    public static readonly byte[] ServerMac = [0x02, 0, 0, 0, 0, 0xfe];
    public static readonly IPAddress ServerIp = IPAddress.Parse("10.199.253.1");

    private readonly Channel<(DateTimeOffset At, UdpFrame Frame, DhcpMessage Message)> _sent = Channel.CreateUnbounded<(DateTimeOffset, UdpFrame, DhcpMessage)>();

    public IPAddress Offered { get; set; } = IPAddress.Parse("10.199.253.50");
    public bool AnswerDiscover { get; set; } = true;
    public RequestAnswer Answer { get; set; } = RequestAnswer.Ack;
    public uint LeaseSeconds { get; set; } = 60;
    public int OpenLinks { get; private set; }

    public IDhcpLink Open()
    {
        OpenLinks++;
        return new Link(this);
    }

    /// <summary>The next frame the client sent, waiting up to 5 s of real time.</summary>
    public async Task<(DateTimeOffset At, UdpFrame Frame, DhcpMessage Message)> NextSentAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await _sent.Reader.ReadAsync(timeout.Token);
    }

    public bool HasSent => _sent.Reader.TryPeek(out _);

    private byte[]? Reply(DhcpMessage request)
    {
        DhcpMessageType? type = request.Type switch
        {
            DhcpMessageType.Discover when AnswerDiscover => DhcpMessageType.Offer,
            DhcpMessageType.Request when Answer == RequestAnswer.Ack => DhcpMessageType.Ack,
            DhcpMessageType.Request when Answer is RequestAnswer.Nak or RequestAnswer.NakOnce => DhcpMessageType.Nak,
            _ => null,
        };
        if (type is null) return null;
        if (Answer == RequestAnswer.NakOnce && type == DhcpMessageType.Nak) Answer = RequestAnswer.Ack;
        var reply = new DhcpMessage { Op = 2, Xid = request.Xid, ClientHardwareAddress = request.ClientHardwareAddress };
        reply.Options.Set(DhcpOptionCode.MessageType, [(byte)type]);
        reply.Options.Set(DhcpOptionCode.ServerIdentifier, ServerIp);
        if (type != DhcpMessageType.Nak)
        {
            reply.YourAddress = request.ClientAddress.Equals(IPAddress.Any) ? Offered : request.ClientAddress;
            reply.Options.Set(DhcpOptionCode.LeaseTime, [(byte)(LeaseSeconds >> 24), (byte)(LeaseSeconds >> 16), (byte)(LeaseSeconds >> 8), (byte)LeaseSeconds]);
            reply.Options.Set(DhcpOptionCode.SubnetMask, IPAddress.Parse("255.255.255.0"));
            reply.Options.Set(DhcpOptionCode.Router, ServerIp);
        }
        return new UdpFrame(ClientMac, ServerMac, ServerIp, IPAddress.Broadcast, UdpFrame.ServerPort, UdpFrame.ClientPort, reply.Encode()).Encode();
    }

    private sealed class Link(FakeDhcpServer server) : IDhcpLink
    {
        private readonly Channel<byte[]> _inbox = Channel.CreateUnbounded<byte[]>();

        public byte[] Mac => ClientMac;

        public ValueTask SendAsync(byte[] frame, CancellationToken cancel)
        {
            var udp = UdpFrame.TryDecode(frame)!;
            var message = DhcpMessage.TryDecode(udp.Payload)!;
            if (server.Reply(message) is { } reply) _inbox.Writer.TryWrite(reply);
            server._sent.Writer.TryWrite((server.Now(), udp, message));
            return ValueTask.CompletedTask;
        }

        public ValueTask<byte[]> ReceiveAsync(CancellationToken cancel) => _inbox.Reader.ReadAsync(cancel);

        public void Dispose() => server.OpenLinks--;
    }

    private DateTimeOffset Now() => clock.GetUtcNow();
}
