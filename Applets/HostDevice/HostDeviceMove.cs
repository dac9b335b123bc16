using CniBox.Applets.Common;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using Serilog;

namespace CniBox.Applets.HostDevice;

/// <summary>
/// Moves a node device into the container as CNI_IFNAME and back. Both ways go through a temporary netns of their
/// own, where the rename happens: neither the node nor the container ever sees the device under a name that could
/// collide with one of theirs (Go renames to <c>temp_&lt;index&gt;</c> in the node instead). The original name travels
/// in IFLA_IFALIAS, as with Go, so either implementation's DEL can move the other's device back.
/// </summary>
public static class HostDeviceMove
{
    /// <summary>Down, into a temporary netns, alias = its name, renamed, into the container, up. Any failure undoes every step.</summary>
    public static LinkInfo In(RtnlHandle host, RtnlHandle container, LinkInfo device, string ifName, ILogger log)
    {
        var undo = new Stack<(string What, Action Step)>();
        using var temp = NetNs.CreateTemporary();
        using var inTemp = RtnlHandle.Open(temp);
        try
        {
            if (device.IsUp)
            {
                Step(() => host.SetLinkDown(device.Index), $"failed to set \"{device.Name}\" down");
                undo.Push(($"set {device.Name} up", () => host.SetLinkUp(device.Index)));
            }
            Step(() => host.SetLinkNamespace(device.Index, temp), $"failed to move \"{device.Name}\" to a temporary netns");
            var moved = inTemp.GetLink(device.Name)
                ?? throw new CniException(ErrorCode.Internal, $"failed to find \"{device.Name}\" in the temporary netns");
            undo.Push(($"move {device.Name} back to the node", () => inTemp.SetLinkNamespace(moved.Index, host.Namespace)));
            Step(() => inTemp.SetLinkAlias(moved.Index, device.Name), $"failed to set alias to \"{device.Name}\"");
            undo.Push(($"clear the alias of {device.Name}", () => inTemp.SetLinkAlias(moved.Index, "")));
            Step(() => inTemp.SetLinkName(moved.Index, ifName), $"failed to rename device \"{device.Name}\" to \"{ifName}\"");
            undo.Push(($"rename {ifName} back to {device.Name}", () => inTemp.SetLinkName(moved.Index, device.Name)));
            Step(() => inTemp.SetLinkNamespace(moved.Index, container.Namespace), $"failed to move \"{ifName}\" to container ns");
            var inContainer = container.GetLink(ifName)
                ?? throw new CniException(ErrorCode.Internal, $"failed to find \"{ifName}\" in the container");
            undo.Push(($"move {ifName} out of the container", () => container.SetLinkNamespace(inContainer.Index, temp)));
            Step(() => container.SetLinkUp(inContainer.Index), $"failed to set \"{ifName}\" up");
            return container.GetLink(ifName) ?? throw new CniException(ErrorCode.Internal, $"failed to find \"{ifName}\"");
        }
        catch
        {
            while (undo.TryPop(out var u)) Rollback.Run(log, u.What, u.Step);
            throw;
        }
    }

    /// <summary>
    /// DEL's way back: down, into a temporary netns, renamed to its alias (which is then cleared), into the node.
    /// The device stays down there, as Go leaves it. A link without an
    /// alias was not moved in by host-device and is refused, as Go does. Returns the name the device has in the node,
    /// null when the container had no such link.
    /// </summary>
    public static string? Out(RtnlHandle container, RtnlHandle host, string ifName, ILogger log)
    {
        var device = container.GetLink(ifName);
        if (device is null) return null;
        if (string.IsNullOrEmpty(device.Alias))
            throw new CniException(ErrorCode.Internal,
                $"failed to restore \"{ifName}\" to its original name: it has no alias (the device was not moved in by host-device)");
        var original = device.Alias;
        var undo = new Stack<(string What, Action Step)>();
        using var temp = NetNs.CreateTemporary();
        using var inTemp = RtnlHandle.Open(temp);
        try
        {
            if (device.IsUp)
            {
                Step(() => container.SetLinkDown(device.Index), $"failed to set \"{ifName}\" down");
                undo.Push(($"set {ifName} up", () => container.SetLinkUp(device.Index)));
            }
            Step(() => container.SetLinkNamespace(device.Index, temp), $"failed to move \"{ifName}\" to a temporary netns");
            var moved = inTemp.GetLink(ifName) ?? throw new CniException(ErrorCode.Internal, $"failed to find \"{ifName}\" in the temporary netns");
            undo.Push(($"move {ifName} back to the container", () => inTemp.SetLinkNamespace(moved.Index, container.Namespace)));
            Step(() => inTemp.SetLinkName(moved.Index, original), $"failed to restore \"{ifName}\" to original name \"{original}\"");
            undo.Push(($"rename {original} back to {ifName}", () => inTemp.SetLinkName(moved.Index, ifName)));
            Step(() => inTemp.SetLinkAlias(moved.Index, ""), $"failed to clear the alias of \"{original}\"");
            undo.Push(($"set the alias of {original} again", () => inTemp.SetLinkAlias(moved.Index, original)));
            Step(() => inTemp.SetLinkNamespace(moved.Index, host.Namespace), $"failed to move \"{original}\" to host netns");
            return original;
        }
        catch
        {
            while (undo.TryPop(out var u)) Rollback.Run(log, u.What, u.Step);
            throw;
        }
    }

    private static void Step(Action step, string what)
    {
        try
        {
            step();
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"{what}: {e.Message}");
        }
    }
}
