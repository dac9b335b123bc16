namespace CniBox.Netlink.Links;

/// <summary>An ipvlan to create, as <c>ip link add NAME link PARENT [mtu M] [netns NS] type ipvlan mode MODE</c> spells it.</summary>
/// <param name="ParentIndex">IFLA_LINK: the master's ifindex.</param>
/// <param name="Mode">l2, l3 or l3s.</param>
public sealed record IpvlanOptions(string Name, int ParentIndex, string Mode)
{
    /// <summary>IFLA_MTU; 0 takes the parent's.</summary>
    public int Mtu { get; init; }
}
