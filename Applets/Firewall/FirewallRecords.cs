using CniBox.Applets.Common;
using System.Text;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Firewall;

/// <summary>What ADD did for one attachment: enough for DEL without a prevResult, for GC, and for knowing a bridge's last attachment.</summary>
public sealed record FirewallRecord(string Network, string ContainerId, string IfName, string Backend, string? Bridge,
    IngressPolicy Policy, IReadOnlyList<IpNet> Addresses)
{
    /// <summary>iptables and firewalld write isolation in iptables, nftables in its own table: they share bridges apart.</summary>
    public bool IsolatesInNftables => Backend == FirewallConfig.Nftables;

    /// <summary>The kernel handles of the address rules ADD appended over nf_tables (DEL deletes them without a listing).</summary>
    public IReadOnlyList<FirewallRuleHandle> Handles { get; init; } = [];
}

/// <summary>One address rule of the iptables layout, as appended: its family, kernel handle and argument list joined by spaces.</summary>
public sealed record FirewallRuleHandle(bool Ipv6, ulong Handle, string Rule)
{
    public override string ToString() => $"{(Ipv6 ? 6 : 4)} {Handle} {Rule}";

    public static FirewallRuleHandle? Parse(string text)
    {
        var parts = text.Split(' ', 3);
        return parts.Length == 3 && parts[0] is "4" or "6" && ulong.TryParse(parts[1], out ulong handle)
            ? new FirewallRuleHandle(parts[0] == "6", handle, parts[2]) : null;
    }
}

/// <summary>
/// One file per attachment, <c>/var/lib/cni/firewall/&lt;network&gt;/&lt;containerId&gt;-&lt;ifname&gt;</c>, lines
/// <c>backend</c>, <c>bridge</c>, <c>policy</c>, <c>address</c> (Go's rules name no container: this is how DEL without
/// a prevResult and GC find them), <c>handle</c> (family, kernel handle and rule of an address rule). Written atomically (a temporary file renamed over it); a network's directory goes
/// with its last record.
/// </summary>
public sealed class FirewallRecords(string root = FirewallRecords.DefaultRoot)
{
    public const string DefaultRoot = "/var/lib/cni/firewall";

    public void Write(FirewallRecord record)
    {
        var text = new StringBuilder()
            .Append("backend ").Append(record.Backend).Append('\n')
            .Append("bridge ").Append(record.Bridge ?? "").Append('\n')
            .Append("policy ").Append(FirewallConfig.Word(record.Policy)).Append('\n');
        foreach (var address in record.Addresses) text.Append("address ").Append(address).Append('\n');
        foreach (var handle in record.Handles) text.Append("handle ").Append(handle).Append('\n');
        var dir = Path.Combine(root, Safe(record.Network));
        var path = Path.Combine(dir, FileName(record.ContainerId, record.IfName));
        var temporary = path + ".tmp-" + Environment.ProcessId;
        NetworkStateDir.Write(dir, () =>
        {
            NetworkStateDir.WriteFile(temporary, Encoding.UTF8.GetBytes(text.ToString()));
            File.Move(temporary, path, overwrite: true);
        });
    }

    public FirewallRecord? Read(string network, string containerId, string ifName) =>
        Load(Path.Combine(root, Safe(network), FileName(containerId, ifName)), network, containerId, ifName);

    public void Remove(string network, string containerId, string ifName)
    {
        var dir = Path.Combine(root, Safe(network));
        if (!Directory.Exists(dir)) return;
        var name = FileName(containerId, ifName);
        File.Delete(Path.Combine(dir, name));
        // An ADD killed between writing and renaming leaves its temporary file: the attachment's DEL takes it too.
        foreach (var temporary in FilesIn(dir, name + ".tmp-*")) File.Delete(temporary);
        NetworkStateDir.RemoveIfEmpty(dir);
        NetworkStateDir.RemoveIfEmpty(root);
    }

    /// <summary>GC: the temporary files of killed writers (no process of that PID any more) in one network.</summary>
    public void RemoveAbandonedTemporaries(string network)
    {
        var dir = Path.Combine(root, Safe(network));
        if (!Directory.Exists(dir)) return;
        foreach (var file in FilesIn(dir, "*.tmp-*"))
        {
            var pid = file[(file.LastIndexOf(".tmp-", StringComparison.Ordinal) + 5)..];
            if (int.TryParse(pid, out _) && !Directory.Exists("/proc/" + pid)) File.Delete(file);
        }
        NetworkStateDir.RemoveIfEmpty(dir);
        NetworkStateDir.RemoveIfEmpty(root);
    }

    /// <summary>None when a concurrent DEL removed the directory with its last file.</summary>
    private static List<string> FilesIn(string dir, string pattern)
    {
        try
        {
            return Directory.EnumerateFiles(dir, pattern).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The records of one network (GC).</summary>
    public IEnumerable<FirewallRecord> InNetwork(string network) => In(Path.Combine(root, Safe(network)), network);

    /// <summary>
    /// Whether an attachment other than <paramref name="self"/> isolates <paramref name="bridge"/> the same way
    /// (nftables or iptables), with any policy or, when <paramref name="isolatedOnly"/>, with <c>isolated</c>. Its own
    /// network is read first: there the answer usually comes with the first record.
    /// </summary>
    public bool BridgeInUse(FirewallRecord self, string bridge, bool isolatedOnly)
    {
        if (!Directory.Exists(root)) return false;
        var own = Path.Combine(root, Safe(self.Network));
        var selfName = FileName(self.ContainerId, self.IfName);
        var dirs = Directory.EnumerateDirectories(root).Where(d => d != own).Prepend(own);
        foreach (var dir in dirs)
            foreach (var other in In(dir, null))
            {
                if (dir == own && FileName(other.ContainerId, other.IfName) == selfName) continue;
                if (other.Bridge == bridge && other.IsolatesInNftables == self.IsolatesInNftables
                    && other.Policy != IngressPolicy.Open && (!isolatedOnly || other.Policy == IngressPolicy.Isolated))
                    return true;
            }
        return false;
    }

    private IEnumerable<FirewallRecord> In(string dir, string? network)
    {
        if (!Directory.Exists(dir)) yield break;
        network ??= Path.GetFileName(dir);
        foreach (var file in FilesIn(dir, "*"))
        {
            var name = Path.GetFileName(file);
            if (name.Contains(".tmp-", StringComparison.Ordinal)) continue;
            var dash = name.LastIndexOf('-');
            if (dash <= 0) continue;
            if (Load(file, network, name[..dash], name[(dash + 1)..].Replace("%2D", "-")) is { } record) yield return record;
        }
    }

    /// <summary>Missing file: null; unreadable lines are skipped (a record is advice for cleanup, never a reason to fail).</summary>
    private static FirewallRecord? Load(string path, string network, string containerId, string ifName)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        string backend = "", bridge = "";
        var policy = IngressPolicy.Open;
        var addresses = new List<IpNet>();
        var handles = new List<FirewallRuleHandle>();
        foreach (var line in lines)
        {
            var space = line.IndexOf(' ');
            if (space < 0) continue;
            var value = line[(space + 1)..];
            switch (line[..space])
            {
                case "backend": backend = value; break;
                case "bridge": bridge = value; break;
                case "policy": policy = value == "isolated" ? IngressPolicy.Isolated : value == "same-bridge" ? IngressPolicy.SameBridge : IngressPolicy.Open; break;
                case "address" when IpNet.TryParse(value, out var net): addresses.Add(net); break;
                case "handle" when FirewallRuleHandle.Parse(value) is { } handle: handles.Add(handle); break;
            }
        }
        return new FirewallRecord(network, containerId, ifName, backend, bridge.Length > 0 ? bridge : null, policy, addresses) { Handles = handles };
    }

    /// <summary>ifnames hold no '-'-free guarantee, container IDs neither: the last '-' splits, so the ifname is escaped.</summary>
    private static string FileName(string containerId, string ifName) => Safe(containerId) + "-" + Safe(ifName).Replace("-", "%2D");

    private static string Safe(string name) => NetworkStateDir.SafeName(name);
}
