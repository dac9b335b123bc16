using System.Net;
using CniBox.Ipam.Dhcp.Protocol;
using CniBox.Tests.Support.Dhcp;

namespace CniBox.Tests.Unit.Ipam.Dhcp.Protocol;

/// <summary>The client's state machine on a fake clock against a scripted server: DORA, T1, T2, expiry, NAK, backoff, release.</summary>
public sealed class DhcpClientTests
{
    private static readonly ClientIdentity Identity = new("cid/net/eth0"u8.ToArray(), [1, 3, 6], [(12, "host"u8.ToArray())]);
    private static readonly IPAddress Leased = IPAddress.Parse("10.199.253.50");

    private FakeClock _clock = null!;
    private FakeDhcpServer _server = null!;
    private List<DhcpLease> _changes = null!;

    [SetUp]
    public void Create()
    {
        _clock = new FakeClock();
        _server = new FakeDhcpServer(_clock);
        _changes = [];
    }

    private DhcpClient Client(DhcpTimings? timings = null) =>
        new(_server, Identity, timings ?? new DhcpTimings { Timeout = TimeSpan.FromSeconds(2), ResendMax = TimeSpan.FromSeconds(8), ResendTimeout = TimeSpan.FromSeconds(30) }, _clock);

    [Test]
    public async Task AcquireBroadcastsDiscoverThenRequestAndReturnsTheLease()
    {
        var start = _clock.GetUtcNow();
        var lease = await Client().AcquireAsync(CancellationToken.None);

        Assert.That(lease.Address, Is.EqualTo(Leased));
        Assert.That(lease.PrefixLength, Is.EqualTo(24));
        Assert.That(lease.Server, Is.EqualTo(FakeDhcpServer.ServerIp));
        Assert.That(lease.ServerMac, Is.EqualTo(FakeDhcpServer.ServerMac));
        Assert.That(lease.RenewAt, Is.EqualTo(start + TimeSpan.FromSeconds(30)), "T1 = 50 %");
        Assert.That(lease.RebindAt, Is.EqualTo(start + TimeSpan.FromSeconds(52.5)), "T2 = 87.5 %");
        var discover = await _server.NextSentAsync();
        Assert.That(discover.Message.Type, Is.EqualTo(DhcpMessageType.Discover));
        Assert.That(discover.Frame.Source, Is.EqualTo(IPAddress.Any));
        Assert.That(discover.Frame.Destination, Is.EqualTo(IPAddress.Broadcast));
        Assert.That(discover.Frame.DestinationMac, Is.EqualTo(UdpFrame.BroadcastMac));
        Assert.That(discover.Message.Options.Get(DhcpOptionCode.ClientIdentifier), Is.EqualTo("cid/net/eth0"u8.ToArray()));
        Assert.That(discover.Message.Options.Get(DhcpOptionCode.ParameterRequestList), Is.EqualTo(new byte[] { 1, 3, 6 }));
        Assert.That(discover.Message.Options.Get(DhcpOptionCode.HostName), Is.EqualTo("host"u8.ToArray()));
        var request = await _server.NextSentAsync();
        Assert.That(request.Message.Type, Is.EqualTo(DhcpMessageType.Request));
        Assert.That(request.Message.Xid, Is.EqualTo(discover.Message.Xid));
        Assert.That(request.Message.Options.Address(DhcpOptionCode.RequestedAddress), Is.EqualTo(Leased));
        Assert.That(request.Message.Options.Address(DhcpOptionCode.ServerIdentifier), Is.EqualTo(FakeDhcpServer.ServerIp));
        Assert.That(_server.OpenLinks, Is.Zero, "the link is closed after the exchange");
    }

    [Test]
    public async Task RenewsAtT1WithAUnicastRequestFromTheLeasedAddress()
    {
        var client = Client();
        var lease = await client.AcquireAsync(CancellationToken.None);
        await Drain(2);
        using var stop = new CancellationTokenSource();
        var run = new LeaseMaintainer(client, _changes.Add, _ => { }).RunAsync(lease, stop.Token);

        await AdvanceAsync(TimeSpan.FromSeconds(29.5));
        Assert.That(_server.HasSent, Is.False, "nothing before T1");
        Assert.That(_server.OpenLinks, Is.Zero, "no socket is held between renewals");
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var renew = await _server.NextSentAsync();
        Assert.That(renew.At, Is.EqualTo(lease.RenewAt));
        Assert.That(renew.Message.Type, Is.EqualTo(DhcpMessageType.Request));
        Assert.That(renew.Message.ClientAddress, Is.EqualTo(Leased));
        Assert.That(renew.Frame.Source, Is.EqualTo(Leased));
        Assert.That(renew.Frame.Destination, Is.EqualTo(FakeDhcpServer.ServerIp));
        Assert.That(renew.Frame.DestinationMac, Is.EqualTo(FakeDhcpServer.ServerMac));
        Assert.That(renew.Message.Options.Get(DhcpOptionCode.RequestedAddress), Is.Null, "RENEWING sends ciaddr, not option 50");
        await WaitFor(() => _changes.Count == 1);
        Assert.That(_changes[0].RenewAt, Is.EqualTo(lease.RenewAt + TimeSpan.FromSeconds(30)));

        await stop.CancelAsync();
        await run;
    }

    [Test]
    public async Task SilentServerMeansRebindingAtT2AndANewDiscoverAtExpiry()
    {
        var client = Client();
        var lease = await client.AcquireAsync(CancellationToken.None);
        await Drain(2);
        _server.Answer = RequestAnswer.Silent;
        using var stop = new CancellationTokenSource();
        var run = new LeaseMaintainer(client, _changes.Add, _ => { }).RunAsync(lease, stop.Token);

        var sent = new List<(DateTimeOffset At, UdpFrame Frame, DhcpMessage Message)>();
        for (int i = 0; i < 640; i++)
        {
            await AdvanceAsync(TimeSpan.FromMilliseconds(100));
            while (_server.HasSent) sent.Add(await _server.NextSentAsync());
        }
        var unicast = sent.Where(s => s.Message.Type == DhcpMessageType.Request && s.Frame.Destination.Equals(FakeDhcpServer.ServerIp)).ToList();
        var broadcast = sent.Where(s => s.Message.Type == DhcpMessageType.Request && s.Frame.Destination.Equals(IPAddress.Broadcast)).ToList();
        var discover = sent.Where(s => s.Message.Type == DhcpMessageType.Discover).ToList();
        Assert.That(unicast[0].At, Is.EqualTo(lease.RenewAt));
        Assert.That(unicast.Select(s => s.At), Has.All.LessThan(lease.RebindAt), "RENEWING ends at T2");
        Assert.That(unicast, Has.Count.GreaterThan(1), "resent while the server is silent");
        Assert.That(broadcast[0].At, Is.EqualTo(lease.RebindAt));
        var rebinding = broadcast.Where(s => !s.Message.ClientAddress.Equals(IPAddress.Any)).ToList();
        Assert.That(rebinding, Has.Count.GreaterThan(1));
        Assert.That(rebinding.Select(s => s.Frame.Source), Has.All.EqualTo(Leased));
        Assert.That(rebinding.Select(s => s.At), Has.All.LessThan(lease.ExpiresAt), "REBINDING ends at expiry");
        Assert.That(discover[0].At, Is.EqualTo(lease.ExpiresAt), "the lost lease is acquired anew");
        Assert.That(_changes, Is.Empty, "no lease while the server is silent");
        _server.Answer = RequestAnswer.Ack;
        await AdvanceAsync(TimeSpan.FromSeconds(12));
        await WaitFor(() => _changes.Count == 1);
        Assert.That(_changes[0].AcquiredAt, Is.GreaterThan(lease.ExpiresAt), "a new lease once the server answers again");

        await stop.CancelAsync();
        await run;
    }

    [Test]
    public async Task NakOnRenewalStartsOverWithADiscover()
    {
        var client = Client();
        var lease = await client.AcquireAsync(CancellationToken.None);
        await Drain(2);
        _server.Answer = RequestAnswer.NakOnce;
        using var stop = new CancellationTokenSource();
        var run = new LeaseMaintainer(client, _changes.Add, _ => { }).RunAsync(lease, stop.Token);
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        var renew = await _server.NextSentAsync();
        Assert.That(renew.Message.Type, Is.EqualTo(DhcpMessageType.Request));
        var discover = await _server.NextSentAsync();
        Assert.That(discover.Message.Type, Is.EqualTo(DhcpMessageType.Discover));
        Assert.That(discover.At, Is.EqualTo(lease.RenewAt));
        await WaitFor(() => _changes.Count == 1);
        await stop.CancelAsync();
        await run;
    }

    [Test]
    public async Task AServerThatRefusesEveryRequestIsNotHammered()
    {
        _server.Answer = RequestAnswer.Nak;
        var acquire = Client().AcquireAsync(CancellationToken.None);
        await AdvanceAsync(TimeSpan.FromSeconds(3));
        int sent = 0;
        while (_server.HasSent)
        {
            await _server.NextSentAsync();
            sent++;
        }
        Assert.That(sent, Is.InRange(4, 8), "one DISCOVER and REQUEST per second after each NAK");
        await AdvanceAsync(TimeSpan.FromSeconds(28));
        Assert.ThrowsAsync<DhcpTimeoutException>(async () => await acquire);
    }

    [Test]
    public async Task DiscoverBackoffDoublesUpToTheTimeoutAndGivesUpAtTheResendTimeout()
    {
        _server.AnswerDiscover = false;
        var start = _clock.GetUtcNow();
        var acquire = Client(new DhcpTimings { Timeout = TimeSpan.FromSeconds(10), ResendMax = TimeSpan.FromSeconds(62), ResendTimeout = TimeSpan.FromSeconds(30) })
            .AcquireAsync(CancellationToken.None);
        var times = new List<double>();
        for (int i = 0; i < 320 && !acquire.IsCompleted; i++)
        {
            while (_server.HasSent) times.Add(((await _server.NextSentAsync()).At - start).TotalSeconds);
            await AdvanceAsync(TimeSpan.FromMilliseconds(100));
        }
        Assert.That(times, Is.EqualTo(new double[] { 0, 4, 12, 22 }), "waits of 4 s, 8 s, then capped at -timeout 10 s");
        var e = Assert.ThrowsAsync<DhcpTimeoutException>(async () => await acquire);
        Assert.That(e!.Message, Does.StartWith("no DHCP lease within 30s"));
    }

    [Test]
    public async Task ReleaseIsUnicastFromTheLeasedAddressToTheServer()
    {
        var client = Client();
        var lease = await client.AcquireAsync(CancellationToken.None);
        await Drain(2);
        await client.ReleaseAsync(lease, CancellationToken.None);
        var release = await _server.NextSentAsync();
        Assert.That(release.Message.Type, Is.EqualTo(DhcpMessageType.Release));
        Assert.That(release.Frame.Source, Is.EqualTo(Leased), "not 0.0.0.0, which dnsmasq ignores (Go #1278)");
        Assert.That(release.Frame.Destination, Is.EqualTo(FakeDhcpServer.ServerIp));
        Assert.That(release.Message.ClientAddress, Is.EqualTo(Leased));
        Assert.That(release.Message.Options.Address(DhcpOptionCode.ServerIdentifier), Is.EqualTo(FakeDhcpServer.ServerIp));
        Assert.That(release.Message.Options.Get(DhcpOptionCode.ClientIdentifier), Is.EqualTo("cid/net/eth0"u8.ToArray()));
    }

    [Test]
    public async Task AVanishedLinkEndsTheMaintenance()
    {
        var gone = new GoneOpener();
        var client = new DhcpClient(gone, Identity, new DhcpTimings(), _clock);
        var lease = DhcpLease.FromAck(AckFor(Leased), FakeDhcpServer.ServerMac, _clock.GetUtcNow())!;
        var logs = new List<string>();
        var run = new LeaseMaintainer(client, _changes.Add, logs.Add).RunAsync(lease, CancellationToken.None);
        await AdvanceAsync(TimeSpan.FromSeconds(31));
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(logs, Has.Some.Contains("no longer maintained: no link"));
        Assert.That(_changes, Is.Empty);
    }

    private static DhcpMessage AckFor(IPAddress address)
    {
        var ack = new DhcpMessage { Op = 2, YourAddress = address };
        ack.Options.Set(DhcpOptionCode.MessageType, [(byte)DhcpMessageType.Ack]);
        ack.Options.Set(DhcpOptionCode.LeaseTime, [0, 0, 0, 60]);
        return ack;
    }

    private sealed class GoneOpener : IDhcpLinkOpener
    {
        public IDhcpLink Open() => throw new LinkGoneException("no link eth0 in /var/run/netns/x");
    }

    private async Task Drain(int count)
    {
        for (int i = 0; i < count; i++) await _server.NextSentAsync();
    }

    /// <summary>Advances the fake clock in 100 ms steps, giving the client's continuations real time to run after each.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        var step = TimeSpan.FromMilliseconds(100);
        for (var done = TimeSpan.Zero; done < by; done += step)
        {
            _clock.Advance(by - done < step ? by - done : step);
            await Task.Delay(2);
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.That(condition(), "condition not reached within 5 s");
    }
}
