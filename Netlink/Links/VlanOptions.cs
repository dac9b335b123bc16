namespace CniBox.Netlink.Links;

/// <summary>An 802.1Q vlan to create, as <c>ip link add NAME link PARENT [mtu M] [netns NS] type vlan id ID</c> spells it.</summary>
/// <param name="ParentIndex">IFLA_LINK: the master's ifindex.</param>
/// <param name="VlanId">IFLA_VLAN_ID, 0 to 4094.</param>
public sealed record VlanOptions(string Name, int ParentIndex, int VlanId)
{
    /// <summary>IFLA_MTU; 0 takes the parent's.</summary>
    public int Mtu { get; init; }
}
