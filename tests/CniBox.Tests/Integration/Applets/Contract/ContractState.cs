using System.Text.Json;
using System.Text.RegularExpressions;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Contract;

/// <summary>
/// Everything a plugin call may change, as sorted "where: what" lines: per namespace (node, container) what
/// <see cref="NetnsSnapshot"/> reads (links, addresses, routes, sysctls) plus local-table routes, ip rules, the
/// nft ruleset and the qdiscs and filters (<see cref="TcState"/>); the IPAM dataDir's files with their content (not <c>lock</c> and <c>last_reserved_ip.*</c>, which Go
/// also keeps); and any file under /var/lib/cni (a result cache) that names the container.
/// </summary>
public static partial class ContractState
{
    private const string CniStateDir = "/var/lib/cni";

    public static List<string> Take(NetHarness net, TestNetns? container, string containerId)
    {
        var lines = Netns("node", net.Host).ToList();
        if (container is not null) lines.AddRange(Netns("container", container));
        lines.AddRange(IpamFiles(net.DataDir).Select(l => "ipam: " + l));
        lines.AddRange(CacheFiles(containerId).Select(l => "cache: " + l));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>
    /// Fails unless <paramref name="after"/> equals <paramref name="before"/> except for lines matching
    /// <paramref name="leaves"/>, each of which must still match some line of <paramref name="after"/>.
    /// </summary>
    public static void AssertSame(List<string> before, List<string> after, IReadOnlyList<Regex> leaves, string when)
    {
        var (added, removed) = Diff(before, after);
        var unexpected = added.Select(l => "+ " + l).Concat(removed.Select(l => "- " + l))
            .Where(l => !leaves.Any(p => p.IsMatch(l[2..]))).ToList();
        Assert.That(unexpected, Is.Empty, $"{when}: state differs from before ADD");
        foreach (var pattern in leaves)
            Assert.That(after.Any(pattern.IsMatch), Is.True, $"{when}: expected a line matching {pattern} to remain, as Go leaves it");
    }

    /// <summary>True when the two states differ only in lines matching <paramref name="leaves"/>.</summary>
    public static bool Same(List<string> before, List<string> after, IReadOnlyList<Regex> leaves)
    {
        var (added, removed) = Diff(before, after);
        return added.Concat(removed).All(l => leaves.Any(p => p.IsMatch(l)));
    }

    private static (List<string> Added, List<string> Removed) Diff(List<string> before, List<string> after)
    {
        var removed = new List<string>(before);
        var added = new List<string>();
        foreach (var line in after)
            if (!removed.Remove(line)) added.Add(line);
        return (added, removed);
    }

    private static IEnumerable<string> Netns(string where, TestNetns ns)
    {
        var lines = NetnsSnapshot.Describe(ns, ignoreTentative: true).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Concat(LocalRoutes(ns)).Concat(Rules(ns)).Concat(Nft(ns)).Concat(TcState.Lines(ns));
        return lines.Select(l => $"{where}: {LinkLocal().Replace(NetnsSnapshot.MaskNames(l), "LINKLOCAL")}");
    }

    /// <summary>The local table, which NetnsSnapshot leaves out (asked for by name it is an error until lo is up).</summary>
    private static IEnumerable<string> LocalRoutes(TestNetns ns) =>
        from family in new[] { "-4", "-6" }
        from route in JsonDocument.Parse(ns.IpIn("-j", family, "route", "show", "table", "all")).RootElement.EnumerateArray()
        where route.TryGetProperty("table", out var table) && table.GetString() == "local"
        select $"route {family} {Fields(route)}";

    private static IEnumerable<string> Rules(TestNetns ns) =>
        from family in new[] { "-4", "-6" }
        from rule in JsonDocument.Parse(ns.IpIn("-j", family, "rule", "show")).RootElement.EnumerateArray()
        select $"rule {family} {Fields(rule)}";

    /// <summary><c>nft -s list ruleset</c>, each statement prefixed by its table and chain so sorting keeps its place.</summary>
    private static IEnumerable<string> Nft(TestNetns ns)
    {
        var table = "";
        var chain = "";
        foreach (var raw in NftTestNetns.Run("ip", ["netns", "exec", ns.Name, "nft", "-s", "list", "ruleset"]).Split('\n'))
        {
            var line = raw.Trim();
            if (line is "" or "}") continue;
            if (line.StartsWith("table ")) (table, chain) = (line.TrimEnd('{', ' '), "");
            else if (line.StartsWith("chain ") || line.StartsWith("set ") || line.StartsWith("map ")) chain = line.TrimEnd('{', ' ');
            yield return $"nft {table} / {chain} / {line}";
        }
    }

    private static IEnumerable<string> IpamFiles(string dataDir) =>
        from file in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories)
        let name = Path.GetFileName(file)
        where name != "lock" && !name.StartsWith("last_reserved_ip.")
        select $"{Path.GetRelativePath(dataDir, file)}={File.ReadAllText(file).Replace("\r\n", "\\r\\n")}";

    private static IEnumerable<string> CacheFiles(string containerId) =>
        Directory.Exists(CniStateDir)
            ? Directory.EnumerateFiles(CniStateDir, "*", SearchOption.AllDirectories).Where(f => f.Contains(containerId))
            : [];

    /// <summary>Sorted name=value pairs; a route's linkdown flag follows carrier, which the kernel updates late.</summary>
    private static string Fields(JsonElement e) =>
        string.Join(' ', e.EnumerateObject().Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.Array ? string.Join(',', p.Value.EnumerateArray().Where(f => f.GetString() != "linkdown")) : p.Value.ToString())}")
            .Order(StringComparer.Ordinal));

    [GeneratedRegex("fe80::[0-9a-f:]+")]
    private static partial Regex LinkLocal();
}
