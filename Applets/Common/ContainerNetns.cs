using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;

namespace CniBox.Applets.Common;

/// <summary>Opens CNI_NETNS for an applet, turning "missing" and "not a netns" into CNI errors (code 8).</summary>
public static class ContainerNetns
{
    public static NetNsHandle Open(string path)
    {
        try
        {
            return NetNsHandle.Open(path);
        }
        catch (NetNsNotFoundException)
        {
            throw new CniException(ErrorCode.InvalidNetns, $"failed to open netns \"{path}\": no such file or directory");
        }
        catch (NotANetNsException e)
        {
            throw new CniException(ErrorCode.InvalidNetns, $"failed to open netns \"{path}\": {e.Message}");
        }
    }

    public static RtnlHandle OpenRtnl(string path)
    {
        using var ns = Open(path);
        return RtnlHandle.Open(ns);
    }

    /// <summary>For DEL: a netns that is already gone is success, so it yields null instead of an error.</summary>
    public static RtnlHandle? TryOpenRtnl(string path)
    {
        try
        {
            using var ns = NetNsHandle.Open(path);
            return RtnlHandle.Open(ns);
        }
        catch (NetNsNotFoundException)
        {
            return null;
        }
        catch (NotANetNsException e)
        {
            throw new CniException(ErrorCode.InvalidNetns, $"failed to open netns \"{path}\": {e.Message}");
        }
    }
}
