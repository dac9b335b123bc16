using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Applets.Common.Iptables;
using CniBox.Applets.Firewall.Iptables;
using CniBox.Applets.Firewall.Nftables;
using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Config;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Firewall;

/// <summary>
/// firewall, chained after bridge or ptp: lets the prevResult's addresses through the node's FORWARD filtering and
/// applies <c>ingressPolicy</c>; the result is the prevResult. Beyond Go: a record per attachment
/// (<see cref="FirewallRecords"/>) lets DEL work without a prevResult, removes a bridge's isolation with its last
/// attachment, and lets GC remove attachments that are no longer valid.
/// </summary>
public sealed class FirewallApplet(FirewallBackends? backends = null, FirewallRecords? records = null) : ChainedPlugin<FirewallConfig>
{
    /// <summary>Upstream's behaviour this implements, as nerdctl reads it (it needs 1.7.1 for isolated).</summary>
    public const string UpstreamVersion = "1.9.1";

    private readonly FirewallBackends _backends = backends ?? FirewallBackends.Default;
    private readonly FirewallRecords _records = records ?? new FirewallRecords();

    protected override IReadOnlyList<string> SupportedVersions { get; } = CniVersion.StartingFrom("0.4.0");

    /// <summary><c>CNI firewall plugin v1.9.1+cnibox.&lt;version&gt;</c>: a semver whose build metadata names us.</summary>
    protected override string About(string appletName) => $"CNI firewall plugin v{UpstreamVersion}+cnibox.{BuildMetadata(BuildInfo.Version)}";

    /// <summary>Semver build metadata allows [0-9A-Za-z-] in dot-separated, non-empty identifiers.</summary>
    public static string BuildMetadata(string version)
    {
        var parts = version.Split('.').Select(p => new string([.. p.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-' ? ch : '-')]))
            .Where(p => p.Length > 0).ToList();
        return parts.Count > 0 ? string.Join('.', parts) : "unknown";
    }

    protected override FirewallConfig Parse(PluginCall call) =>
        FirewallConfig.Parse(call.StdinData, checkPolicy: call.Command is CniCommand.Add or CniCommand.Del);

    protected override void Add(PluginCall call, FirewallConfig config, CniResult prevResult)
    {
        var attachment = Attachment(call, prevResult);
        if (config.IngressPolicy != IngressPolicy.Open) RequireBridge(config, prevResult);
        using var nft = OpenNft();
        var name = _backends.Choose(call, config, nft);
        var recorded = _records.Read(call.NetworkName, call.ContainerId, call.IfName);
        var backend = _backends.Create(call, name, config, nft, recorded: recorded);
        var record = new FirewallRecord(call.NetworkName, call.ContainerId, call.IfName, name, attachment.HostInterface,
            config.IngressPolicy, attachment.Addresses);
        backend.Add(attachment);
        if (backend is IptablesFirewall iptables)
            record = record with { Handles = [.. iptables.Handles, .. (recorded?.Handles ?? []).Where(h => !iptables.Handles.Any(n => n.Ipv6 == h.Ipv6 && n.Rule == h.Rule))] };
        else if (backend is NftablesFirewall nftables)
            record = record with { Handles = nftables.Handles };
        try
        {
            if (!record.IsolatesInNftables && record.Bridge is { } bridge && record.Policy != IngressPolicy.Open)
                foreach (var isolation in Isolations(attachment.Addresses, nft))
                    isolation.Setup(bridge, record.Policy);
            Record(record);
        }
        catch
        {
            // The same iptables instance knows which chains its ADD created; nftables takes the new bridge's isolation with it.
            Rollback.Run(call.Log, "firewall rules", () =>
                (record.IsolatesInNftables ? _backends.Create(call, name, config, nft, Cleanup(record)) : backend).Del(attachment));
            Rollback.Run(call.Log, "isolation rules", () => RemoveIsolation(record, Cleanup(record), record.Addresses, nft));
            throw;
        }
    }

    protected override void Del(PluginCall call, FirewallConfig config, CniResult? prevResult)
    {
        var recorded = _records.Read(call.NetworkName, call.ContainerId, call.IfName);
        using var nft = OpenNft();
        var fromResult = prevResult is null ? null : Attachment(call, prevResult);
        var name = recorded?.Backend is { Length: > 0 } b ? b : _backends.Choose(call, config, nft);
        var record = recorded ?? new FirewallRecord(call.NetworkName, call.ContainerId, call.IfName, name,
            fromResult?.HostInterface, IngressPolicy.Open, fromResult?.Addresses ?? []);
        Delete(call, record, fromResult?.Addresses ?? [], config, nft);
    }

    protected override void Check(PluginCall call, FirewallConfig config, CniResult prevResult)
    {
        var attachment = Attachment(call, prevResult);
        using var nft = OpenNft();
        var name = _records.Read(call.NetworkName, call.ContainerId, call.IfName)?.Backend is { Length: > 0 } b ? b : _backends.Choose(call, config, nft);
        _backends.Create(call, name, config, nft).Check(attachment);
        if (name != FirewallConfig.Nftables && attachment.HostInterface is { } bridge && config.IngressPolicy != IngressPolicy.Open)
            foreach (var isolation in Isolations(attachment.Addresses, nft))
                isolation.Check(bridge, config.IngressPolicy);
    }

    /// <summary>Every recorded attachment of this network that is not in <c>cni.dev/valid-attachments</c> is deleted.</summary>
    protected override void Gc(PluginCall call, FirewallConfig config)
    {
        var valid = GcAttachments.ReadValid(call.StdinData).ToHashSet();
        using var nft = OpenNft();
        foreach (var record in _records.InNetwork(call.NetworkName).ToList())
            if (!valid.Contains(new Attachment(record.ContainerId, record.IfName)))
                Delete(call, record, [], config, nft);
        _records.RemoveAbandonedTemporaries(call.NetworkName);
    }

    /// <summary>The attachment's rules (recorded addresses and <paramref name="extra"/> ones), its bridge's isolation when it was the last, its record.</summary>
    private void Delete(PluginCall call, FirewallRecord record, IReadOnlyList<IpNet> extra, FirewallConfig config, NftHandle nft)
    {
        var addresses = record.Addresses.Concat(extra).Distinct().ToList();
        var attachment = new FirewallAttachment(record.ContainerId, record.Network, record.IfName, addresses, record.Bridge);
        var cleanup = Cleanup(record);
        var backend = _backends.Create(call, record.Backend, config with { IngressPolicy = record.Policy }, nft,
            record.IsolatesInNftables ? cleanup : null, record);
        backend.Del(attachment);
        RemoveIsolation(record, cleanup, addresses, nft);
        _records.Remove(record.Network, record.ContainerId, record.IfName);
    }

    /// <summary>What of the record's bridge isolation goes with it: nothing while another attachment needs it all.</summary>
    private IsolationCleanup? Cleanup(FirewallRecord record)
    {
        if (record.Bridge is not { } bridge || record.Policy == IngressPolicy.Open) return null;
        if (!_records.BridgeInUse(record, bridge, isolatedOnly: false)) return new IsolationCleanup(bridge, IsolatedOnly: false);
        if (record.Policy == IngressPolicy.Isolated && !_records.BridgeInUse(record, bridge, isolatedOnly: true))
            return new IsolationCleanup(bridge, IsolatedOnly: true);
        return null;
    }

    /// <summary>The iptables isolation rules <paramref name="cleanup"/> names (nftables takes its own with the batch).</summary>
    private static void RemoveIsolation(FirewallRecord record, IsolationCleanup? cleanup, IEnumerable<IpNet> addresses, NftHandle nft)
    {
        if (record.IsolatesInNftables || cleanup is not { } c) return;
        foreach (var isolation in Isolations(addresses, nft))
            isolation.Remove(c.Bridge, c.IsolatedOnly);
    }

    /// <summary>Go's isolation chains of each family the addresses are in, v4 first.</summary>
    private static IEnumerable<IptablesIsolation> Isolations(IEnumerable<IpNet> addresses, NftHandle nft) =>
        IptablesFirewall.Families(addresses).Select(v6 => new IptablesIsolation(IptablesHost.Open(v6, nft)));

    private void Record(FirewallRecord record)
    {
        try
        {
            _records.Write(record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.Internal, $"failed to record the firewall attachment: {e.Message}");
        }
    }

    /// <summary>Every prevResult address as a host prefix (Go's ipString), and the first interface (the bridge, for bridge).</summary>
    private static FirewallAttachment Attachment(PluginCall call, CniResult prevResult)
    {
        var addresses = prevResult.Ips.Select(ip => Addresses.ParseCidr(ip.Address, "IP address").Address)
            .Select(a => new IpNet(a, a.Bits)).Distinct().ToList();
        var first = prevResult.Interfaces.Count > 0 && !string.IsNullOrEmpty(prevResult.Interfaces[0].Name) ? prevResult.Interfaces[0].Name : null;
        return new FirewallAttachment(call.ContainerId, call.NetworkName, call.IfName, addresses, first);
    }

    /// <summary>validateSetupIngressPolicy's texts (Go checks after its accepts are in; this before anything).</summary>
    private static void RequireBridge(FirewallConfig config, CniResult prevResult)
    {
        var word = FirewallConfig.Word(config.IngressPolicy);
        if (prevResult.Interfaces.Count == 0)
            throw new CniException(ErrorCode.Internal,
                $"interface needs to be set for ingress policy \"{word}\", make sure to chain \"firewall\" plugin with \"bridge\"");
        if (string.IsNullOrEmpty(prevResult.Interfaces[0].Name))
            throw new CniException(ErrorCode.Internal, "got empty bridge name");
    }

    private static NftHandle OpenNft()
    {
        try
        {
            return NftHandle.Open();
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"firewall: nf_tables cannot be used: {e.Message}");
        }
    }
}
