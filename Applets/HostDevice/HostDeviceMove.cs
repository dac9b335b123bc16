using CniBox.Applets.Common;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using Serilog;

namespace CniBox.Applets.HostDevice;

/// <summary>
/// Moves a node device into the container as CNI_IFNAME and back. Each way is one RTM_NEWLINK that moves and renames
/// together (IFLA_NET_NS_FD with IFLA_IFNAME): the new name is only ever checked, and carried, in the target netns,
/// so it cannot collide with a name of the namespace the device leaves. That is what a temporary netns in between
/// would give, without its second move (each move costs ~24 ms of the kernel's RCU waits here);
/// Go renames to <c>temp_&lt;index&gt;</c> in the node instead. The original name travels in IFLA_IFALIAS, as with
/// Go, so either implementation's DEL can move the other's device back.
/// </summary>
public static class HostDeviceMove
{
    /// <summary>Down, alias = its name, moved into the container as <paramref name="ifName"/>, up. Any failure undoes every step.</summary>
    public static LinkInfo In(RtnlHandle host, RtnlHandle container, LinkInfo device, string ifName, ILogger log)
    {
        var undo = new Stack<(string What, Action Step)>();
        try
        {
            if (device.IsUp)
            {
                Step(() => host.SetLinkDown(device.Index), $"failed to set \"{device.Name}\" down");
                undo.Push(($"set {device.Name} up", () => host.SetLinkUp(device.Index)));
            }
            Step(() => host.SetLinkAlias(device.Index, device.Name), $"failed to set alias to \"{device.Name}\"");
            undo.Push(($"clear the alias of {device.Name}", () => host.SetLinkAlias(device.Index, "")));
            Step(() => host.MoveLink(device.Index, container.Namespace, ifName), $"failed to move \"{device.Name}\" to container ns as \"{ifName}\"",
                () => BringBackHalfMoved(container, host, device.Name, device.Name, log));
            var inContainer = container.GetLink(ifName)
                ?? throw new CniException(ErrorCode.Internal, $"failed to find \"{ifName}\" in the container");
            undo.Push(($"move {ifName} back to the node", () => container.MoveLink(inContainer.Index, host.Namespace, device.Name)));
            Step(() => container.SetLinkUp(inContainer.Index), $"failed to set \"{ifName}\" up");
            return inContainer with { Flags = inContainer.Flags | InterfaceFlags.Up };
        }
        catch
        {
            while (undo.TryPop(out var u)) Rollback.Run(log, u.What, u.Step);
            throw;
        }
    }

    /// <summary>
    /// DEL's way back: down, moved into the node under its alias, the alias cleared. The device stays down there, as
    /// Go leaves it. A link without an alias was not moved in by host-device and is refused, as Go does. Returns the
    /// name the device has in the node, null when the container had no such link.
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
        try
        {
            if (device.IsUp)
            {
                Step(() => container.SetLinkDown(device.Index), $"failed to set \"{ifName}\" down");
                undo.Push(($"set {ifName} up", () => container.SetLinkUp(device.Index)));
            }
            Step(() => container.MoveLink(device.Index, host.Namespace, original), $"failed to move \"{ifName}\" to host netns as \"{original}\"",
                () => BringBackHalfMoved(host, container, ifName, original, log));
            var back = host.GetLink(original) ?? throw new CniException(ErrorCode.Internal, $"failed to find \"{original}\" in the node");
            undo.Push(($"move {original} back to the container", () => host.MoveLink(back.Index, container.Namespace, ifName)));
            Step(() => host.SetLinkAlias(back.Index, ""), $"failed to clear the alias of \"{original}\"");
            return original;
        }
        catch
        {
            while (undo.TryPop(out var u)) Rollback.Run(log, u.What, u.Step);
            throw;
        }
    }

    private static void Step(Action step, string what, Action? onFailure = null)
    {
        try
        {
            step();
        }
        catch (NetlinkException e)
        {
            onFailure?.Invoke();
            throw new CniException(ErrorCode.Internal, $"{what}: {e.Message}");
        }
    }

    /// <summary>
    /// The kernel takes the new name as the move's name only when the link's own name is taken in the target;
    /// otherwise it moves the link under its own name and renames it there, and a taken new name fails that
    /// rename after the move. Such a link, found in <paramref name="target"/> under <paramref name="name"/> with our
    /// alias, goes back to <paramref name="source"/> under the same name.
    /// </summary>
    private static void BringBackHalfMoved(RtnlHandle target, RtnlHandle source, string name, string alias, ILogger log)
    {
        if (target.GetLink(name) is { } moved && moved.Alias == alias)
            Rollback.Run(log, $"move {name} back", () => target.MoveLink(moved.Index, source.Namespace, name));
    }
}
