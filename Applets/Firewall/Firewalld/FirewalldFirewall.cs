using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Firewall.Firewalld;

/// <summary>
/// The <c>firewalld</c> backend, Go's: each container address, as <c>ip/32</c> or <c>ip/128</c>, is a source of the
/// zone (<c>firewalldZone</c>, default <c>trusted</c>), which firewalld lets through its own rules. Unlike Go, an ADD
/// that fails on one address unbinds the ones it bound before, and CHECK fails when firewalld answers that a source
/// is not in the zone (Go only fails when the query itself fails).
/// </summary>
public sealed class FirewalldFirewall(FirewalldClient client, string zone) : IFirewallBackend
{
    public string Name => FirewallConfig.Firewalld;

    public string Zone { get; } = zone;

    /// <summary>Go's auto-detection: firewalld's bus name has an owner on the call's system bus.</summary>
    public static bool IsRunning(PluginCall call)
    {
        using var client = new FirewalldClient(FirewalldClient.SystemBusAddress(call.Getenv), call.Log);
        return client.HasOwner();
    }

    /// <summary>The backend for a call: its system bus, the config's zone. The connection lasts as long as the process
    /// (one call).</summary>
    public static FirewalldFirewall For(PluginCall call, FirewallConfig config) =>
        new(new FirewalldClient(FirewalldClient.SystemBusAddress(call.Getenv), call.Log), config.FirewalldZone);

    /// <summary>firewalld's spelling of a container address as a source: the host prefix of its family.</summary>
    public static string Source(IpNet address) => $"{address.Address}/{address.Address.Bits}";

    public void Add(FirewallAttachment attachment)
    {
        var bound = new List<string>();
        try
        {
            foreach (var source in Sources(attachment))
                if (client.AddSource(Zone, source))
                    bound.Add(source);
        }
        catch (CniException)
        {
            foreach (var source in bound)
                client.RemoveSource(Zone, source);
            throw;
        }
    }

    public void Del(FirewallAttachment attachment)
    {
        foreach (var source in Sources(attachment))
            client.RemoveSource(Zone, source);
    }

    public void Check(FirewallAttachment attachment)
    {
        foreach (var source in Sources(attachment))
            if (!client.QuerySource(Zone, source))
                throw new CniException(ErrorCode.Internal, $"failed to find the address {source} in {Zone} zone");
    }

    private static IEnumerable<string> Sources(FirewallAttachment attachment) => attachment.Addresses.Select(Source).Distinct();
}
