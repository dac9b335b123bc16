using CniBox.Applets.Common;
using CniBox.Applets.Common.OneLink;
using CniBox.Netlink.Links;
using CniBox.Spec;

namespace CniBox.Applets.Vlan;

/// <summary>
/// vlan's keys as upstream 1.9.1 reads them: <c>master</c> (required), <c>vlanId</c> 0-4094, <c>mtu</c> (at most
/// the master's, checked where the master is known), <c>linkInContainer</c>, plus the generic <c>ipam</c>
/// (required by ADD) and <c>dns</c>.
/// </summary>
public sealed class VlanConfig : IOneLinkConfig
{
    public required PluginConfig Config { get; init; }
    public required string Master { get; init; }
    public int VlanId { get; init; }
    public int Mtu { get; init; }
    public bool LinkInContainer { get; init; }

    public string IpamType => Config.IpamType;

    public static VlanConfig Parse(byte[] stdin)
    {
        var cfg = PluginConfig.Parse(stdin, c => new VlanConfig
        {
            Config = c,
            Master = c.Root.String("master") ?? "",
            VlanId = c.Root.Int("vlanId") ?? 0,
            Mtu = c.Root.Int("mtu") ?? 0,
            LinkInContainer = c.Root.Bool("linkInContainer") ?? false,
        });
        if (cfg.Master.Length == 0)
            throw new CniException(ErrorCode.Internal, "\"master\" field is required. It specifies the host interface name to create the VLAN for.");
        if (cfg.VlanId is < 0 or > LinkMessages.MaxVlanId)
            throw new CniException(ErrorCode.Internal, $"invalid VLAN ID {cfg.VlanId} (must be between 0 and 4095 inclusive)");
        return cfg;
    }
}
