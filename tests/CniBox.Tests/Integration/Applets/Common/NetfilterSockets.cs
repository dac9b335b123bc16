namespace CniBox.Tests.Integration.Applets.Common;

/// <summary>The NETLINK_NETFILTER sockets user space holds in the calling thread's netns, as /proc lists them.</summary>
internal static class NetfilterSockets
{
    private const string NetlinkNetfilter = "12";

    /// <summary>Rows of /proc/thread-self/net/netlink with protocol 12 and a non-zero port id (the kernel's own has 0).</summary>
    public static int OpenInCurrentNetns() =>
        File.ReadLines("/proc/thread-self/net/netlink").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f[1] == NetlinkNetfilter && f[2] != "0");
}
