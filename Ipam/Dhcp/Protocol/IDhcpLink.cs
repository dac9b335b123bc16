namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>
/// The container interface as one exchange of the client sees it: its MAC, ethernet frames out and in. The daemon
/// opens one per exchange (a packet socket in the container netns) and closes it afterwards, so a lease between
/// renewals holds no socket and no thread; tests give a scripted server.
/// </summary>
public interface IDhcpLink : IDisposable
{
    byte[] Mac { get; }
    ValueTask SendAsync(byte[] frame, CancellationToken cancel);
    /// <summary>The next frame that arrived on the interface (any ethertype); cancelled when the wait is over.</summary>
    ValueTask<byte[]> ReceiveAsync(CancellationToken cancel);
}

/// <summary>Opens <see cref="IDhcpLink"/>s on one container interface; throws <see cref="LinkGoneException"/> when it no longer exists.</summary>
public interface IDhcpLinkOpener
{
    IDhcpLink Open();
}

/// <summary>The container netns or its interface is gone: the lease has nothing left to maintain.</summary>
public sealed class LinkGoneException(string message) : Exception(message);

/// <summary>The client's knobs, Go's daemon flags: how long one send waits, the backoff cap, when to give up.</summary>
public sealed record DhcpTimings
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ResendMax { get; init; } = TimeSpan.FromSeconds(62);
    public TimeSpan ResendTimeout { get; init; } = TimeSpan.FromSeconds(208);
    public bool Broadcast { get; init; }
}
