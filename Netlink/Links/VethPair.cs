namespace CniBox.Netlink.Links;

/// <summary>
/// The result of <c>RtnlHandle.AddVethPair</c>: the container end as read back after creation, and
/// the host end's name. <c>Container.LinkIndex</c> is the host end's ifindex in the host namespace.
/// </summary>
public sealed record VethPair(LinkInfo Container, string HostName);
