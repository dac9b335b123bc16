namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>
/// Keeps one lease alive (RFC 2131 4.4.5): sleeps until T1, renews with the granting server until T2, rebinds with
/// any server until expiry, and when the lease is lost (expired or NAK'd) acquires a new one. Sleeping is a timer
/// of <see cref="TimeProvider"/>, not a thread. Ends when cancelled or when the interface is gone.
/// </summary>
public sealed class LeaseMaintainer(DhcpClient client, Action<DhcpLease> changed, Action<string> log)
{
    /// <summary>How long a failed re-acquire waits before it tries again.</summary>
    public static readonly TimeSpan RetryAfterLoss = TimeSpan.FromSeconds(10);

    public async Task RunAsync(DhcpLease lease, CancellationToken stop)
    {
        var clock = client.Clock;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await DelayUntil(lease.RenewAt, clock, stop);
                var next = await ExtendAsync(lease, stop);
                if (next is null)
                {
                    log($"lease {lease.Address} lost, acquiring a new one");
                    next = await ReacquireAsync(stop);
                }
                lease = next;
                changed(lease);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (LinkGoneException e)
        {
            log($"lease {lease.Address} no longer maintained: {e.Message}");
        }
    }

    /// <summary>RENEWING until T2, then REBINDING until expiry; null when the lease is gone.</summary>
    private async Task<DhcpLease?> ExtendAsync(DhcpLease lease, CancellationToken stop)
    {
        try
        {
            if (await client.RenewAsync(lease, lease.RebindAt, stop) is { } renewed) return renewed;
            await DelayUntil(lease.RebindAt, client.Clock, stop);
            log($"lease {lease.Address}: no answer from {lease.Server} by T2, rebinding");
            return await client.RebindAsync(lease, stop);
        }
        catch (DhcpNakException e)
        {
            log($"lease {lease.Address}: {e.Message}");
            return null;
        }
    }

    private async Task<DhcpLease> ReacquireAsync(CancellationToken stop)
    {
        while (true)
        {
            try
            {
                return await client.AcquireAsync(stop);
            }
            catch (DhcpTimeoutException e)
            {
                log(e.Message);
                await Task.Delay(RetryAfterLoss, client.Clock, stop);
            }
        }
    }

    private static Task DelayUntil(DateTimeOffset when, TimeProvider clock, CancellationToken stop)
    {
        var wait = when - clock.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, clock, stop) : Task.CompletedTask;
    }
}
