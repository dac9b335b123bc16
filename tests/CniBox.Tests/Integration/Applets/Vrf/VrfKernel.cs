using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Vrf;

/// <summary>Whether this kernel makes VRF devices: probed once, in a throwaway <c>cbt-hd-*</c> netns.</summary>
public static class VrfKernel
{
    /// <summary>The CNI error our vrf's ADD gives on a kernel without the driver; the tests that need VRFs skip on exactly it.</summary>
    public const string MissingError = "kernel has no vrf support (CONFIG_NET_VRF / modprobe vrf)";

    private static readonly Lazy<bool> Probe = new(() =>
    {
        if (!Environment.IsPrivilegedProcess) return false;
        using var ns = new TestNetns("hd");
        try
        {
            ns.IpIn("link", "add", "cbthdvrf", "type", "vrf", "table", "150");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    });

    public static bool Supported => Probe.Value;
}
