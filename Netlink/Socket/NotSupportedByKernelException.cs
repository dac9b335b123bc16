namespace CniBox.Netlink.Socket;

/// <summary>
/// The running kernel lacks a feature (EOPNOTSUPP), such as bridge VLAN filtering without
/// CONFIG_BRIDGE_VLAN_FILTERING. The message names the feature and the kernel's answer.
/// </summary>
public sealed class NotSupportedByKernelException : NetlinkException
{
    public NotSupportedByKernelException(string feature, NetlinkException cause)
        : base(cause.Errno, cause.Operation, cause.ExtAckMessage)
    {
        Feature = feature;
    }

    /// <summary>What is missing, e.g. "bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING)".</summary>
    public string Feature { get; }

    public override string Message => $"{base.Message}: this kernel does not support {Feature}";
}
