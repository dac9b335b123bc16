namespace CniBox.Applets.Portmap;

/// <summary>One way of writing a container's host ports into the node's netfilter: nf_tables or iptables.</summary>
public interface IPortmapBackend
{
    string Name { get; }
    void Add(PortmapPlan plan);
    void Del(string network, string containerId);
    void Check(PortmapPlan plan);
    void Gc(IReadOnlySet<string> validContainerIds);
}
