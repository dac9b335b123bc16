namespace CniBox.Netlink.Links;

/// <summary>An ifb to create, as <c>ip link add NAME [mtu M] [txqueuelen N] [up] type ifb</c> spells it.</summary>
public sealed record IfbOptions(string Name)
{
    /// <summary>IFLA_MTU; 0 sends none (the kernel's 1500).</summary>
    public int Mtu { get; init; }

    /// <summary>IFLA_TXQLEN; null sends none (the kernel's 32). Go's bandwidth 1.1.1 sends 0.</summary>
    public int? TxQueueLength { get; init; }

    /// <summary>Created up (IFF_UP in ifi_flags and ifi_change), as <c>up</c> does.</summary>
    public bool Up { get; init; }
}
