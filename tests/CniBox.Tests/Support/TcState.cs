using System.Text.Json;

namespace CniBox.Tests.Support;

/// <summary>
/// The traffic control state of one namespace as sorted lines, read back with <c>tc -d -j qdisc show</c> (kind,
/// handle, parent, options; counters left out, they follow whatever traffic passed) and <c>tc filter show dev X
/// ingress</c> for every link; random veth names masked (<see cref="NetnsSnapshot.MaskNames"/>). Tests only.
/// </summary>
public static class TcState
{
    private static readonly string[] Counters = ["bytes", "packets", "drops", "overlimits", "requeues", "backlog", "qlen"];

    public static string Describe(TestNetns ns) => string.Join("\n", Lines(ns));

    public static IEnumerable<string> Lines(TestNetns ns)
    {
        var lines = new List<string>();
        foreach (var q in JsonDocument.Parse(Tc(ns, "-d", "-j", "qdisc", "show")).RootElement.EnumerateArray())
        {
            var fields = q.EnumerateObject().Where(p => !Counters.Contains(p.Name)).Select(p => $"{p.Name}={p.Value.GetRawText()}");
            lines.Add("qdisc " + string.Join(' ', fields));
        }
        foreach (var link in NetHarness.Links(ns))
        {
            string filters;
            try
            {
                filters = Tc(ns, "filter", "show", "dev", link, "ingress");
            }
            catch (InvalidOperationException) when (!NetHarness.Links(ns).Contains(link))
            {
                continue; // the kernel removed it meanwhile (a veth whose peer's netns died)
            }
            foreach (var line in filters.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                lines.Add($"filter {link}: {line.Trim()}");
        }
        return lines.Select(NetnsSnapshot.MaskNames).Order(StringComparer.Ordinal);
    }

    /// <summary>The root TBF's options on <paramref name="dev"/> (rate bytes/s, burst bytes, lat µs), null when there is none.</summary>
    public static JsonElement? RootTbf(TestNetns ns, string dev)
    {
        foreach (var q in JsonDocument.Parse(Tc(ns, "-j", "qdisc", "show", "dev", dev)).RootElement.EnumerateArray())
            if (q.GetProperty("kind").GetString() == "tbf" && q.TryGetProperty("root", out _)) return q.GetProperty("options").Clone();
        return null;
    }

    public static string Tc(TestNetns ns, params string[] args) => TestNetns.Ip(["netns", "exec", ns.Name, "tc", .. args]);
}
