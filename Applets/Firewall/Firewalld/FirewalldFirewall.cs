using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Firewall.Firewalld;

/// <summary>
/// The <c>firewalld</c> backend, Go's: each container address, as <c>ip/32</c> or <c>ip/128</c>, is a source of the
/// zone (<c>firewalldZone</c>, default <c>trusted</c>), which firewalld lets through its own rules. Unlike Go, an ADD
/// that fails on one address unbinds the ones it bound before, and CHECK fails when firewalld answers that a source
/// is not in the zone (Go only fails when the query itself fails).
/// </summary>
public sealed class FirewalldFirewall(FirewalldClient client, string zone) : IFirewallBackend
{
    public const string BackendName = "firewalld";
    public const string DefaultZone = "trusted";

    public string Name => BackendName;

    public string Zone { get; } = zone;

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
