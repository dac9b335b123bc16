using CniBox.Applets.Common;
using CniBox.Spec;

namespace CniBox.Applets.Ptp;

/// <summary>ptp's keys: <c>mtu</c>, <c>ipMasq</c>, <c>ipMasqBackend</c>, plus the generic <c>ipam</c> (required) and <c>dns</c>.</summary>
public sealed class PtpConfig
{
    public required PluginConfig Config { get; init; }
    public int Mtu { get; init; }
    public IpMasqConfig IpMasq { get; init; }

    public string IpamType => Config.IpamType;

    public static PtpConfig Parse(byte[] stdin) => PluginConfig.Parse(stdin, c => new PtpConfig
    {
        Config = c,
        Mtu = c.Root.Int("mtu") ?? 0,
        IpMasq = IpMasqConfig.Read(c.Root),
    });

    /// <summary>ptp is L3 only: without <c>ipam.type</c> there is nothing to route.</summary>
    public void RequireIpam()
    {
        if (IpamType.Length == 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig, "ptp requires an \"ipam\" object with a \"type\" (IPAM config missing 'type' key)");
    }
}
