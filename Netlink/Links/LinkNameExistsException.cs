using CniBox.Netlink.Socket;

namespace CniBox.Netlink.Links;

/// <summary>
/// A veth could not be created because a chosen name is taken (EEXIST). The message is the Go
/// plugins' text, e.g. <c>container veth name provided (eth0) already exists</c>.
/// </summary>
public sealed class LinkNameExistsException : NetlinkException
{
    public LinkNameExistsException(string name, bool containerSide, NetlinkException cause)
        : base(cause.Errno, cause.Operation, cause.ExtAckMessage)
    {
        Name = name;
        ContainerSide = containerSide;
    }

    public string Name { get; }

    /// <summary>True for the container end (CNI_IFNAME), false for an explicitly named host end.</summary>
    public bool ContainerSide { get; }

    public override string Message => ContainerSide
        ? $"container veth name provided ({Name}) already exists"
        : $"host veth name provided ({Name}) already exists";
}
