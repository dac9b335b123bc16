namespace CniBox.Applets.Firewall.Firewalld;

/// <summary>
/// How long the firewalld client waits: for the bus socket and its authentication, for the bus daemon's own answers
/// (GetNameOwner), and for firewalld's zone calls, which apply nftables rules before they answer. A bus or a firewalld
/// that hangs costs a plugin at most these, never the runtime's whole timeout.
/// </summary>
public sealed record FirewalldTimeouts(TimeSpan Connect, TimeSpan Bus, TimeSpan Firewalld)
{
    public static readonly FirewalldTimeouts Default = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
}
