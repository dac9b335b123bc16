using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Common.OneLink;

/// <summary>CHECK of a main plugin's one link, with the Go plugins' texts (validateCniContainerInterface).</summary>
public static class OneLinkCheck
{
    /// <summary>The prevResult's interface named CNI_IFNAME in CNI_NETNS; Go's error when none is.</summary>
    public static ResultInterface FindInterface(CniResult prev, PluginCall call)
    {
        var found = prev.Interfaces.LastOrDefault(i => i.Name == call.IfName && i.Sandbox == call.Netns);
        return found ?? throw new CniException(ErrorCode.Internal,
            $"Sandbox in prevResult  doesn't match configured netns: {call.Netns}");
    }

    /// <summary>
    /// The container link of <paramref name="iface"/>: it exists, lives in a sandbox, is of <paramref name="kind"/>
    /// and has the result's MAC. <paramref name="prefix"/> is the plugin's prefix where Go writes one ("vlan: ").
    /// </summary>
    public static LinkInfo Link(RtnlHandle container, ResultInterface iface, string kind, string prefix = "")
    {
        if (string.IsNullOrEmpty(iface.Name))
            throw new CniException(ErrorCode.Internal, "Container interface name missing in prevResult: ");
        var link = container.GetLink(iface.Name)
            ?? throw new CniException(ErrorCode.Internal, $"{prefix}Container Interface name in prevResult: {iface.Name} not found");
        if (string.IsNullOrEmpty(iface.Sandbox))
            throw new CniException(ErrorCode.Internal, $"{prefix}Error: Container interface {link.Name} should not be in host namespace");
        if (link.Kind != kind)
            throw new CniException(ErrorCode.Internal, $"Error: Container interface {link.Name} not of type {kind}");
        if (!string.IsNullOrEmpty(iface.Mac) && iface.Mac != link.Mac)
            throw new CniException(ErrorCode.Internal, $"{prefix}Interface {iface.Name} Mac {iface.Mac} doesn't match container Mac: {link.Mac}");
        return link;
    }
}
