using CniBox.Spec.Addressing;
using CniBox.Spec.Config;
using CniBox.Ipam.HostLocal;

namespace CniBox.Tests.Unit.Ipam.HostLocal;

/// <summary>An in-memory IStore with the disk store's matching rules; Owners maps IP text to file content.</summary>
public sealed class FakeStore : IStore
{
    public Dictionary<string, string> Owners { get; } = new(StringComparer.Ordinal);
    public Dictionary<int, string> LastReserved { get; } = [];
    public int Locks { get; private set; }
    public bool Locked { get; private set; }

    public IDisposable Lock()
    {
        Assert.That(Locked, Is.False, "lock taken twice");
        Locked = true;
        Locks++;
        return new Unlocker(this);
    }

    public bool Reserve(string containerId, string ifName, IpAddr ip, int rangeSetIndex)
    {
        Assert.That(Locked, Is.True, "Reserve without the lock");
        if (!Owners.TryAdd(ip.ToString(), containerId.Trim() + "\r\n" + ifName)) return false;
        LastReserved[rangeSetIndex] = ip.ToString();
        return true;
    }

    public IpAddr? LastReservedIp(int rangeSetIndex) =>
        LastReserved.TryGetValue(rangeSetIndex, out var t) && IpAddr.TryParse(t, out var ip) ? ip : null;

    public IReadOnlyList<IpAddr> GetByOwner(string containerId, string ifName) =>
        Owners.Where(kv => kv.Value.Trim() == containerId.Trim() + "\r\n" + ifName || kv.Value.Trim() == containerId.Trim())
            .Select(kv => IpAddr.Parse(kv.Key)).ToList();

    public bool HasOwner(string containerId, string ifName) => GetByOwner(containerId, ifName).Count > 0;

    public int Release(string containerId, string ifName)
    {
        var current = Owners.Where(kv => kv.Value.Trim() == containerId.Trim() + "\r\n" + ifName).Select(kv => kv.Key).ToList();
        if (current.Count == 0) current = Owners.Where(kv => kv.Value.Trim() == containerId.Trim()).Select(kv => kv.Key).ToList();
        current.ForEach(k => Owners.Remove(k));
        return current.Count;
    }

    public int ReleaseAllExcept(IReadOnlyCollection<Attachment> valid)
    {
        var doomed = Owners.Where(kv => !valid.Any(a => kv.Value.Trim() == a.ContainerId + "\r\n" + a.IfName
            || (!kv.Value.Contains("\r\n") && kv.Value.Trim() == a.ContainerId))).Select(kv => kv.Key).ToList();
        doomed.ForEach(k => Owners.Remove(k));
        return doomed.Count;
    }

    public IReadOnlyCollection<IpAddr> Allocated() => Owners.Keys.Select(IpAddr.Parse).ToList();


    public void Dispose()
    {
    }

    private sealed class Unlocker(FakeStore store) : IDisposable
    {
        public void Dispose() => store.Locked = false;
    }
}
