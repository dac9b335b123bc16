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

    /// <summary>
    /// The code we give for Go's error: a JSON value of the wrong type is a decoding failure (6) everywhere here,
    /// while a Go plugin reports its own json.Unmarshal error as a plain 999 (only the skel's fields get 6).
    /// </summary>
    public static int ExpectedCode(int goCode, string goMsg) =>
        goCode == 999 && goMsg.Contains("json: cannot unmarshal") ? 6 : goCode;

    /// <summary>
    /// Go 1.1.1 comments every ingressPolicy rule "(ingressPolicy: same-bridge)"; upstream 1.9.1, and we, comment the
    /// rules both policies share (FORWARD's jump, the RETURNs, STAGE-2's drop) "(ingressPolicy: same-bridge|isolated)".
    /// Rewrites the shared ones in <c>iptables-save</c> or <c>nft list</c> text; STAGE-1's bridge rule (the one with
    /// an input interface) keeps its policy's own comment in both.
    /// </summary>
    public static string UpstreamIsolationComments(string rules) =>
        string.Join('\n', rules.Split('\n').Select(l => l.Contains("-i ") || l.Contains("iifname ") ? l
            : l.Replace("(ingressPolicy: same-bridge)\"", "(ingressPolicy: same-bridge|isolated)\"")));

    [GeneratedRegex(@"(/proc/sys/net/ipv6/conf/eth0/keep_addr_on_down:)\d")]
    private static partial Regex KeepAddrOnDown();
}
