using System.Text.RegularExpressions;

namespace CniBox.Tests.Support.EndToEnd;

/// <summary>Where a container's traces (its ID, its addresses, its bridge) can remain on a podman node's firewall.</summary>
public static class PodmanTraces
{
    /// <summary>The node's whole firewall as text: nf_tables (iptables-nft's tables included) and both iptables-saves.</summary>
    public static string Firewall(RuntimeNode node) =>
        string.Join(Environment.NewLine, new[] { ("nft", new[] { "list", "ruleset" }), ("iptables-save", []), ("ip6tables-save", []) }
            .Select(c => node.Run(c.Item1, c.Item2).Stdout));

    /// <summary>The node's nf_tables tables (<c>table FAMILY NAME</c>), sorted.</summary>
    public static string[] Tables(RuntimeNode node) =>
        node.Run("nft", ["list", "tables"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.Trim()).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The traces that occur in the text as whole addresses or IDs (one ending in . or : as a prefix).</summary>
    public static string[] Mentions(string text, IEnumerable<string> traces) =>
        traces.Where(t => Regex.IsMatch(text, Regex.Escape(t) + NotContinued(t))).ToArray();

    private static string NotContinued(string trace) => trace switch
    {
        _ when trace.EndsWith('.') || trace.EndsWith(':') => "",
        _ when trace.Contains(':') => "(?![0-9a-f]|:[0-9a-f])",
        _ when trace.Contains('.') => @"(?![0-9]|\.[0-9])",
        _ => "(?![0-9a-z])",
    };
}
