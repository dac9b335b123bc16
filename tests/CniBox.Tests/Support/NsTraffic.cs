using System.Text.RegularExpressions;

namespace CniBox.Tests.Support;

/// <summary>
/// Traffic between namespaces the tests create, only: veth links, commands and pings inside a namespace. Nothing here
/// touches the real host netns.
/// </summary>
public static class NsTraffic
{
    /// <summary>
    /// A veth pair between two namespaces, each end with its addresses (IPv6 ones <c>nodad</c>, so they work at once)
    /// and up, loopbacks up.
    /// </summary>
    public static void Veth(TestNetns a, string aName, string[] aAddrs, TestNetns b, string bName, string[] bAddrs)
    {
        a.IpIn("link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b.Name);
        foreach (var (ns, name, addrs) in new[] { (a, aName, aAddrs), (b, bName, bAddrs) })
        {
            foreach (string addr in addrs)
                ns.IpIn(addr.Contains(':') ? ["addr", "add", addr, "dev", name, "nodad"] : ["addr", "add", addr, "dev", name]);
            ns.IpIn("link", "set", name, "up");
            ns.IpIn("link", "set", "lo", "up");
        }
    }

    /// <summary><c>ip netns exec NS ARGS</c>; throws with stderr when the command fails.</summary>
    public static string Exec(TestNetns ns, params string[] args) => NftTestNetns.Run("ip", ["netns", "exec", ns.Name, .. args]);

    /// <summary>An nft script (statements separated by "; ") run in the namespace.</summary>
    public static void Nft(TestNetns ns, string script) =>
        NftTestNetns.Run("ip", ["netns", "exec", ns.Name, "nft", "-f", "-"], script.Replace("; ", "\n"));

    /// <summary>Forgets the namespace's connection tracking entries when the conntrack tool is installed.</summary>
    public static void FlushConntrack(TestNetns ns) =>
        Exec(ns, "sh", "-c", "if command -v conntrack >/dev/null; then conntrack -F 2>/dev/null; fi; true");

    /// <summary>
    /// Pings and asserts the outcome: success is retried (neighbour resolution, IPv6 DAD); failure is one
    /// two-packet try.
    /// </summary>
    public static void Ping(TestNetns from, string to, bool expectSuccess, string because = "")
    {
        bool ok = expectSuccess
            ? NetHarness.Ping(from, to)
            : TryExec(from, "ping", "-n", "-q", "-c", "2", "-W", "1", to);
        Assert.That(ok, Is.EqualTo(expectSuccess), $"ping {to} from {from.Name} {because}".TrimEnd());
    }

    private static bool TryExec(TestNetns ns, params string[] args)
    {
        try
        {
            Exec(ns, args);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>
/// In a receiving namespace: table <c>inet cbt_obs</c> with one input rule per source (an address or prefix, either
/// family) counting the ICMP echo requests from it, so a test sees which source address arrived.
/// </summary>
public sealed class EchoCounter
{
    private readonly TestNetns _ns;

    public EchoCounter(TestNetns ns, params string[] sources)
    {
        _ns = ns;
        var rules = sources.Select(s => s.Contains(':')
            ? $"add rule inet cbt_obs in ip6 saddr {s} icmpv6 type echo-request counter comment \"{s}\""
            : $"add rule inet cbt_obs in ip saddr {s} icmp type echo-request counter comment \"{s}\"");
        NsTraffic.Nft(ns, "add table inet cbt_obs; add chain inet cbt_obs in { type filter hook input priority 0 ; }; " +
            string.Join("; ", rules));
    }

    /// <summary>Echo requests seen so far from <paramref name="source"/> (as given to the constructor).</summary>
    public int Count(string source)
    {
        string text = NsTraffic.Exec(_ns, "nft", "list", "table", "inet", "cbt_obs");
        var m = Regex.Match(text, $"counter packets (\\d+) bytes \\d+ comment \"{Regex.Escape(source)}\"");
        Assert.That(m.Success, Is.True, $"no counter for {source} in\n{text}");
        return int.Parse(m.Groups[1].Value);
    }
}
