namespace CniBox.Netlink.Links;

/// <summary>Bridge port flags as <c>bridge -d link show dev X</c> prints them.</summary>
/// <param name="Hairpin">IFLA_BRPORT_MODE: frames may leave through the port they came in on.</param>
/// <param name="Isolated">IFLA_BRPORT_ISOLATED: no traffic to other isolated ports.</param>
/// <param name="State">IFLA_BRPORT_STATE: BR_STATE_* (0 disabled ... 3 forwarding).</param>
public sealed record BridgePortInfo(bool Hairpin, bool Isolated, byte State);
