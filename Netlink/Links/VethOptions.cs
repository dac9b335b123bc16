namespace CniBox.Netlink.Links;

/// <summary>
/// A veth pair to create, as <c>ip link add NAME [mtu M] [address A] type veth peer name PEER [address A]</c> spells it.
/// </summary>
/// <param name="Name">The end created in the handle's own namespace.</param>
public sealed record VethOptions(string Name)
{
    /// <summary>The other end's name; null lets <c>RtnlHandle.AddVethPair</c> pick <c>veth</c> + 8 random hex digits.</summary>
    public string? PeerName { get; init; }

    /// <summary>IFLA_MTU of both ends; 0 keeps the kernel's default.</summary>
    public int Mtu { get; init; }

    /// <summary>IFLA_ADDRESS of <see cref="Name"/>; null lets the kernel pick a random one.</summary>
    public string? Mac { get; init; }

    /// <summary>IFLA_ADDRESS of the peer.</summary>
    public string? PeerMac { get; init; }
}
