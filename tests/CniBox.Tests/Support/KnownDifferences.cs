using System.Text.RegularExpressions;

namespace CniBox.Tests.Support;

/// <summary>Deliberate differences from Debian's Go plugins (1.1.1) that a kernel-state comparison must mask.</summary>
public static partial class KnownDifferences
{
    /// <summary>
    /// Current upstream ConfigureIface sets keep_addr_on_down=1 on an interface that gets IPv6 addresses (so a
    /// link flap keeps them), as we do; Debian's 1.1.1 predates that. Masks the container interface's value in a
    /// <see cref="NetnsSnapshot"/>.
    /// </summary>
    public static string Mask(string containerSnapshot) => KeepAddrOnDown().Replace(containerSnapshot, "$1?");

    [GeneratedRegex(@"(/proc/sys/net/ipv6/conf/eth0/keep_addr_on_down:)\d")]
    private static partial Regex KeepAddrOnDown();
}
