namespace CniBox.Applets.Portmap;

/// <summary>One way of publishing host ports (nf_tables over netlink, or Go's iptables layout). The applet picks one
/// per call from the config and hands it the plan; every method is idempotent, and Del/Gc succeed when there is
/// nothing to remove.</summary>
public interface IPortmapBackend
{
    /// <summary>The backend's name as the config's <c>backend</c> key spells it: "nftables" or "iptables".</summary>
    string Name { get; }

    /// <summary>Publishes the plan's mappings for its container, in both families where it has an address.</summary>
    void Add(PortmapPlan plan);

    /// <summary>Removes every rule of the container, whatever mappings the runtime sends (or not) on DEL; returns the
    /// UDP host ports of the rules it removed where the layout shows them (their conntrack entries go too).</summary>
    IReadOnlyCollection<ushort> Del(string network, string containerId);

    /// <summary>Throws a CniException when the container's rules are not all in place.</summary>
    void Check(PortmapPlan plan);

    /// <summary>Removes the rules of every container whose ID is not in the set.</summary>
    void Gc(IReadOnlySet<string> validContainerIds);
}
