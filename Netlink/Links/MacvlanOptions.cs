namespace CniBox.Netlink.Links;

/// <summary>
/// A macvlan to create, as <c>ip link add NAME link PARENT [mtu M] [address A] [netns NS] type macvlan mode MODE
/// [bcqueuelen N]</c> spells it.
/// </summary>
/// <param name="ParentIndex">IFLA_LINK: the master's ifindex.</param>
/// <param name="Mode">private, vepa, bridge, passthru or source.</param>
public sealed record MacvlanOptions(string Name, int ParentIndex, string Mode)
{
    /// <summary>IFLA_MTU; 0 takes the parent's.</summary>
    public int Mtu { get; init; }

    /// <summary>IFLA_ADDRESS ("aa:bb:cc:dd:ee:ff"); null lets the kernel pick a random one.</summary>
    public string? Mac { get; init; }

    /// <summary>IFLA_MACVLAN_BC_QUEUE_LEN; null sends none (the kernel's 1000).</summary>
    public uint? BroadcastQueueLength { get; init; }
}
