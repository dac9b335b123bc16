using CniBox.Netlink;
using CniBox.Spec;

namespace CniBox.Applets.Common;

/// <summary>pkg/ip EnableIP4Forward / EnableIP6Forward, in the plugin's (host) namespace: written only when not already 1.</summary>
public static class Forwarding
{
    public const string V4Key = "net.ipv4.ip_forward";
    public const string V6Key = "net.ipv6.conf.all.forwarding";

    public static void Enable(bool v4, bool v6)
    {
        if (v4) EnsureOne(V4Key);
        if (v6) EnsureOne(V6Key);
    }

    private static void EnsureOne(string key)
    {
        try
        {
            if (Sysctl.Read(key) != "1") Sysctl.Write(key, "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.Internal, $"Could not enable IP forwarding: {key}: {e.Message}");
        }
    }
}
