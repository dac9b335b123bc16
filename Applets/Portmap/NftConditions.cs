using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Netfilter;
using CniBox.Spec;

namespace CniBox.Applets.Portmap;

/// <summary>
/// <c>conditionsV4</c>/<c>conditionsV6</c> for the nftables backend. Upstream pastes the tokens, joined by spaces, in
/// front of <c>fib daddr type local jump hostports_all</c> in nft's text syntax; we speak netlink, so we parse the
/// common forms: <c>ip|ip6 saddr|daddr [==|!=] ADDRESS[/PREFIX]</c> and <c>iifname|oifname [==|!=] NAME</c>, any
/// number of them in a row. Anything else (sets, other selectors) is refused with code 7 naming the token.
/// </summary>
public static class NftConditions
{
    public static NftExpr[] Parse(IReadOnlyList<string>? conditions, AddressFamily family, string key)
    {
        if (conditions is null || conditions.Count == 0) return [];
        var tokens = string.Join(' ', conditions).Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var expressions = new List<NftExpr>();
        var i = 0;
        while (i < tokens.Length)
        {
            var selector = tokens[i];
            switch (selector)
            {
                case "ip" or "ip6":
                    if (selector != (family == AddressFamily.InterNetwork ? "ip" : "ip6"))
                        throw Refuse(key, selector, $"{key} is for {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")}");
                    var field = Next(tokens, ref i, key);
                    if (field is not ("saddr" or "daddr")) throw Refuse(key, field, "expected saddr or daddr");
                    var equal = Operator(tokens, ref i, key);
                    var network = Network(Next(tokens, ref i, key), family, key);
                    expressions.AddRange(field == "saddr" ? NftMatch.Source(network, equal) : NftMatch.Destination(network, equal));
                    break;
                case "iifname" or "oifname":
                    var eq = Operator(tokens, ref i, key);
                    var name = Next(tokens, ref i, key).Trim('"');
                    // IFNAMSIZ counts bytes: "é" is two, and a name of 15 characters may not fit.
                    if (name.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(name) > 15 || name.Contains('*') || name.Contains('{'))
                        throw Refuse(key, name, "expected an interface name (no wildcards or sets)");
                    expressions.AddRange(selector == "iifname" ? NftMatch.IifName(name, eq) : NftMatch.OifName(name, eq));
                    break;
                default:
                    throw Refuse(key, selector, "expected ip/ip6 saddr/daddr or iifname/oifname");
            }
            i++;
        }
        return [.. expressions];
    }

    private static string Next(string[] tokens, ref int i, string key) =>
        ++i < tokens.Length ? tokens[i] : throw Refuse(key, tokens[i - 1], "the condition ends too early");

    /// <summary>An optional <c>==</c> or <c>!=</c>; true for equality.</summary>
    private static bool Operator(string[] tokens, ref int i, string key)
    {
        if (i + 1 < tokens.Length && tokens[i + 1] is "==" or "!=")
            return tokens[++i] == "==";
        return true;
    }

    private static IPNetwork Network(string text, AddressFamily family, string key)
    {
        if (text.StartsWith('{')) throw Refuse(key, text, "sets are not supported");
        if (!IPNetwork.TryParse(text.Contains('/') ? text : $"{text}/{(family == AddressFamily.InterNetwork ? 32 : 128)}", out var network)
            || network.BaseAddress.AddressFamily != family)
            throw Refuse(key, text, $"expected an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address or prefix");
        return network;
    }

    private static CniException Refuse(string key, string token, string why) =>
        new(ErrorCode.InvalidNetworkConfig, $"portmap: unsupported nftables condition {Spec.Json.GoText.Quote(token)} in {key}: {why}; " +
            "cnibox understands \"ip|ip6 saddr|daddr [!=] ADDRESS[/PREFIX]\" and \"iifname|oifname [!=] NAME\"");
}
