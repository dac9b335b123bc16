using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Results;
using CniBox.Spec.Config;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// The host-local verbs over a parsed config and a store, as Go's main.go runs them, except that ADD holds
/// the lock once for all range sets and scans the directory once, and DEL releases in one scan.
/// </summary>
public sealed class HostLocalIpam(HostLocalConfig config, IStore store)
{
    /// <summary>Opens the disk store of <paramref name="config"/>.</summary>
    public static HostLocalIpam OpenDisk(HostLocalConfig config) => new(config, DiskStore.Open(config.DataDir, config.Name));

    public IStore Store => store;

    /// <summary>One IP per range set, routes and the resolvConf DNS; a 1.1.0 result without interfaces.</summary>
    /// <param name="dns">The resolvConf DNS when the caller loaded it already (Go reads it before opening the store).</param>
    public CniResult Add(string containerId, string ifName, ResultDns? dns = null)
    {
        var result = new CniResult();
        if (dns is not null) result.Dns = dns;
        else if (config.ResolvConf is { } resolvConf) result.Dns = ResolvConf.Load(resolvConf);
        var pending = config.RequestedIps.DistinctBy(ip => ip).ToList();
        var allocated = false;
        using (store.Lock())
        {
            try
            {
                var owned = store.GetByOwner(containerId, ifName);
                for (var i = 0; i < config.Ranges.Count; i++)
                {
                    var set = config.Ranges[i];
                    var requestedIndex = pending.FindIndex(set.Contains);
                    IpAddr? requested = requestedIndex >= 0 ? pending[requestedIndex] : null;
                    if (requestedIndex >= 0) pending.RemoveAt(requestedIndex);
                    Allocation allocation;
                    try
                    {
                        allocation = new Allocator(set, i, store).Get(containerId, ifName, requested, owned);
                    }
                    catch (CniException e)
                    {
                        throw new CniException(e.Code, $"failed to allocate for range {i}: {e.Msg}", e.Details);
                    }
                    allocated = true;
                    result.Ips.Add(new IpConfig { Address = allocation.Address.ToString(), Gateway = allocation.Gateway.ToString() });
                }
                if (pending.Count > 0)
                    throw new CniException(ErrorCode.Internal, "failed to allocate all requested IPs: " + string.Join(" ", pending));
            }
            catch when (allocated)
            {
                store.Release(containerId, ifName);
                throw;
            }
        }
        result.Routes = config.Routes.ToList();
        return result;
    }

    /// <summary>Frees every IP of (id, ifName); an unknown id is fine.</summary>
    public void Del(string containerId, string ifName)
    {
        using (store.Lock()) store.Release(containerId, ifName);
    }

    /// <summary>Go's CHECK: some allocation of the container must still exist.</summary>
    public void Check(string containerId, string ifName)
    {
        bool found;
        using (store.Lock()) found = store.HasOwner(containerId, ifName);
        if (!found) throw new CniException(ErrorCode.Internal, $"host-local: Failed to find address added by container {containerId}");
    }

    /// <summary>Frees every allocation whose attachment is not in <paramref name="valid"/>; returns how many.</summary>
    public int Gc(IReadOnlyCollection<Attachment> valid)
    {
        int released;
        using (store.Lock()) released = store.ReleaseAllExcept(valid);
        return released;
    }

    /// <summary>STATUS: code 50 when some range set has no free address left.</summary>
    public void Status()
    {
        IReadOnlyCollection<IpAddr> allocated;
        using (store.Lock()) allocated = store.Allocated();
        for (var i = 0; i < config.Ranges.Count; i++)
        {
            if (!new Allocator(config.Ranges[i], i, store).HasFree(allocated))
                throw new CniException(ErrorCode.NotAvailable, $"no IP addresses available in range set: {config.Ranges[i]}");
        }
    }
}
