using CniBox.Spec.Addressing;

namespace CniBox.Applets.Portmap;

/// <summary>One entry of <c>runtimeConfig.portMappings</c>, validated: ports 1-65535, protocol tcp, udp or sctp
/// (lower case), <see cref="HostIp"/> null when the runtime sent none or an empty string (any address).</summary>
public sealed record PortMapping(ushort HostPort, ushort ContainerPort, string Protocol, IpAddr? HostIp);

/// <summary>What every portmap backend writes for one container: the network and container it belongs to, the
/// container's first v4 and first v6 address on CNI_IFNAME (either may be missing), and the keys that shape the rules.</summary>
public sealed record PortmapPlan(
    string Network,
    string ContainerId,
    IpNet? ContainerV4,
    IpNet? ContainerV6,
    IReadOnlyList<PortMapping> Mappings,
    bool Snat,
    bool MasqAll,
    int MarkMasqBit,
    string? ExternalSetMarkChain,
    IReadOnlyList<string>? ConditionsV4,
    IReadOnlyList<string>? ConditionsV6);
