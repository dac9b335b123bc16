namespace CniBox.Netlink.Links;

/// <summary>A macvlan to create, as <c>ip link add NAME link PARENT [mtu M] type macvlan mode MODE</c> spells it.</summary>
/// <param name="ParentIndex">IFLA_LINK: the master's ifindex.</param>
/// <param name="Mode">private, vepa, bridge, passthru or source.</param>
public sealed record MacvlanOptions(string Name, int ParentIndex, string Mode)
{
    /// <summary>IFLA_MTU; 0 takes the parent's.</summary>
    public int Mtu { get; init; }
}
