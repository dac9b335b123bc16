using System.Text;
using CniBox.Ipam.Dhcp.Protocol;
using CniBox.Ipam.Dhcp.Rpc;
using CniBox.Spec;
using Serilog;

namespace CniBox.Ipam.Dhcp.Daemon;

/// <summary>Go's daemon flags that shape the client, plus ours: the state directory.</summary>
public sealed record DaemonSettings(string HostPrefix, DhcpTimings Timings, LeaseStore Store);

/// <summary>
/// The daemon's leases, keyed by client ID <c>&lt;containerID&gt;/&lt;network&gt;/&lt;ifname&gt;</c> (Go's): ADD acquires
/// and starts maintaining, DEL stops, releases and forgets, CHECK asks whether the lease is held. Each lease is a
/// record on disk and a <see cref="LeaseMaintainer"/> task; none holds a thread or a socket between renewals.
/// </summary>
public sealed class LeaseManager(DaemonSettings settings, ILogger log, TimeProvider clock,
    Func<string, string, IDhcpLinkOpener>? openLink = null)
{
    private readonly Func<string, string, IDhcpLinkOpener> _openLink = openLink ?? ((ns, ifName) => new PacketLinkOpener(ns, ifName));
    private readonly Dictionary<string, Active> _leases = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private sealed record Active(LeaseRecord Record, DhcpClient Client, CancellationTokenSource Stop, Task Maintenance);

    public int Count
    {
        get { lock (_lock) return _leases.Count; }
    }

    public static string ClientId(string containerId, string network, string ifName)
    {
        var id = $"{containerId}/{network}/{ifName}";
        return id.Length > 254 ? id[..254] : id;
    }

    /// <summary>Option 61 as Go's daemon sends it: type 0 (not a hardware address), then the ID's bytes.</summary>
    public static byte[] ClientIdOption(string clientId) => [0, .. Encoding.UTF8.GetBytes(clientId)];

    /// <summary>Leases of a previous run: each resumes where it was (renewed at once if T1 passed, re-acquired if it expired).</summary>
    public void Resume()
    {
        foreach (var record in settings.Store.LoadAll((file, e) => log.Warning("dropping unreadable lease file {File}: {Error}", file, e.Message)))
        {
            log.Information("resuming lease {Address} of {ClientId}", record.Lease.Address, record.ClientId);
            Start(record, NewClient(record));
        }
    }

    public async Task<DaemonReply> HandleAsync(DaemonRequest request, CancellationToken cancel)
    {
        try
        {
            return request.Command switch
            {
                "ADD" => await AddAsync(request, cancel),
                "DEL" => await DelAsync(request, cancel),
                "CHECK" => Check(request),
                _ => DaemonReply.Fail(ErrorCode.Internal, $"dhcp daemon: unknown command {request.Command}"),
            };
        }
        catch (CniException e)
        {
            return DaemonReply.Fail(e.Code, e.Msg);
        }
        catch (Exception e) when (e is DhcpTimeoutException or LinkGoneException or System.Net.Sockets.SocketException or CniBox.Netlink.Socket.NetlinkException or CniBox.Netlink.Namespaces.NetNsException)
        {
            log.Warning("{Command} {ContainerId}/{IfName} failed: {Error}", request.Command, request.ContainerId, request.IfName, e.Message);
            return DaemonReply.Fail(ErrorCode.Internal, "dhcp: " + e.Message);
        }
    }

    /// <summary>Stops every maintenance task (the leases stay on disk for the next run).</summary>
    public async Task StopAllAsync()
    {
        Active[] all;
        lock (_lock) all = [.. _leases.Values];
        foreach (var active in all) await active.Stop.CancelAsync();
        await Task.WhenAll(all.Select(a => a.Maintenance));
    }

    private async Task<DaemonReply> AddAsync(DaemonRequest request, CancellationToken cancel)
    {
        var config = DhcpConfig.Parse(request.ConfigBytes, request.Args);
        var clientId = ClientId(request.ContainerId, config.Name, request.IfName);
        await StopAsync(clientId);
        var identity = new ClientIdentity(ClientIdOption(clientId), config.Requested, config.Provided);
        var netns = settings.HostPrefix + request.Netns;
        var client = new DhcpClient(_openLink(netns, request.IfName), identity, settings.Timings, clock);
        var lease = await client.AcquireAsync(cancel);
        var record = new LeaseRecord(clientId, netns, request.IfName, identity, config.Priority, lease);
        settings.Store.Save(record);
        Start(record, client);
        log.Information("{ClientId} leased {Address}/{Prefix} from {Server} for {Seconds}s",
            clientId, lease.Address, lease.PrefixLength, lease.Server, lease.Duration.TotalSeconds);
        return DaemonReply.Ok(LeaseResult.Of(lease, config.Priority).ToJson(CniVersion.Current, indented: false));
    }

    /// <summary>Release before forgetting: the link must still exist (our macvlan and bridge run IPAM DEL first).</summary>
    private async Task<DaemonReply> DelAsync(DaemonRequest request, CancellationToken cancel)
    {
        var config = DhcpConfig.Parse(request.ConfigBytes, request.Args);
        var clientId = ClientId(request.ContainerId, config.Name, request.IfName);
        if (await StopAsync(clientId) is not { } active) return DaemonReply.Ok();
        try
        {
            await active.Client.ReleaseAsync(active.Record.Lease, cancel);
            log.Information("{ClientId} released {Address}", clientId, active.Record.Lease.Address);
        }
        catch (Exception e) when (e is LinkGoneException or System.Net.Sockets.SocketException or CniBox.Netlink.Socket.NetlinkException or CniBox.Netlink.Namespaces.NetNsException)
        {
            log.Warning("{ClientId}: {Address} forgotten without DHCPRELEASE: {Error}", clientId, active.Record.Lease.Address, e.Message);
        }
        settings.Store.Delete(active.Record);
        return DaemonReply.Ok();
    }

    private DaemonReply Check(DaemonRequest request)
    {
        var config = DhcpConfig.Parse(request.ConfigBytes, request.Args);
        var clientId = ClientId(request.ContainerId, config.Name, request.IfName);
        lock (_lock)
            if (_leases.TryGetValue(clientId, out var active) && active.Record.Lease.ExpiresAt > clock.GetUtcNow())
                return DaemonReply.Ok();
        return DaemonReply.Fail(ErrorCode.Internal, $"dhcp: the daemon holds no live lease for {clientId}");
    }

    private DhcpClient NewClient(LeaseRecord record) =>
        new(_openLink(record.Netns, record.IfName), record.Identity, settings.Timings, clock);

    private void Start(LeaseRecord record, DhcpClient client)
    {
        var stop = new CancellationTokenSource();
        var holder = new TaskCompletionSource();
        var maintenance = MaintainAsync(record, client, stop, holder.Task);
        lock (_lock) _leases[record.ClientId] = new Active(record, client, stop, maintenance);
        holder.SetResult();
    }

    private async Task MaintainAsync(LeaseRecord record, DhcpClient client, CancellationTokenSource stop, Task registered)
    {
        await registered;
        await Task.Yield();
        var maintainer = new LeaseMaintainer(client, lease =>
        {
            record = record with { Lease = lease };
            lock (_lock)
                if (_leases.TryGetValue(record.ClientId, out var a) && a.Stop == stop) _leases[record.ClientId] = a with { Record = record };
            settings.Store.Save(record);
            log.Information("{ClientId} renewed {Address} until {Expires:O}", record.ClientId, lease.Address, lease.ExpiresAt);
        }, message => log.Information("{ClientId}: {Message}", record.ClientId, message));
        await maintainer.RunAsync(record.Lease, stop.Token);
        if (stop.IsCancellationRequested) return;
        // The link vanished: nothing will DEL what the runtime already tore down (Go 1.7 drops these too).
        lock (_lock)
            if (_leases.TryGetValue(record.ClientId, out var a) && a.Stop == stop) _leases.Remove(record.ClientId);
        settings.Store.Delete(record);
        stop.Dispose();
    }

    private async Task<Active?> StopAsync(string clientId)
    {
        Active? active;
        lock (_lock)
            if (_leases.Remove(clientId, out active) is false) return null;
        await active!.Stop.CancelAsync();
        await active.Maintenance;
        active.Stop.Dispose();
        return active;
    }
}
