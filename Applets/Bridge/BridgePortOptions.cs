namespace CniBox.Applets.Bridge;

/// <summary>How <see cref="BridgeHost.AttachPort"/> sets up a bridge port: its flags and VLANs.</summary>
internal sealed record BridgePortOptions
{
    /// <summary>hairpinMode: frames may leave through the port they came in on.</summary>
    public bool Hairpin { get; init; }

    /// <summary>portIsolation: no traffic to other isolated ports.</summary>
    public bool Isolated { get; init; }

    /// <summary>vlan: the access VID (PVID, untagged); 0 for none.</summary>
    public int Vlan { get; init; }

    /// <summary>vlanTrunk: tagged VIDs.</summary>
    public IReadOnlyList<int> TrunkVlans { get; init; } = [];

    /// <summary>preserveDefaultVlan: keep the VIDs the port had (VID 1) instead of removing them first.</summary>
    public bool PreserveDefaultVlan { get; init; }

    /// <summary>A container's port as the config asks for it.</summary>
    public static BridgePortOptions For(BridgeConfig cfg) => new()
    {
        Hairpin = cfg.HairpinMode,
        Isolated = cfg.PortIsolation,
        Vlan = cfg.Vlan,
        TrunkVlans = cfg.TrunkVlans,
        PreserveDefaultVlan = cfg.PreserveDefaultVlan,
    };
}
