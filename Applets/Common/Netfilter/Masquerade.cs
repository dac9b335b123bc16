using System.Net;
using System.Net.Sockets;
using System.Text;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Applets.Common.Netfilter;

/// <summary>
/// ipMasq for bridge and ptp with exactly the Go plugins' nftables layout (pkg/ip/ipmasq_nftables_linux.go), so a
/// host can switch between implementations: table <c>inet cni_plugins_masquerade</c>, base chain <c>postrouting</c>
/// (nat, srcnat) holding multicast returns then <c>goto masq_checks</c> (rebuilt only when it differs, see
/// <see cref="NftStructure"/>), and in <c>masq_checks</c> one
/// rule per container IP, <c>ip saddr == IP ip daddr != SUBNET masquerade</c>, commented
/// <c>&lt;h16(net)&gt;-&lt;h16(if:cid)&gt;, net: N, if: I, id: C</c>. Each operation is one listing and one batch.
/// </summary>
public static class Masquerade
{
    public const string Table = "cni_plugins_masquerade";
    public const string Chain = "masq_checks";
    public const string PostroutingChain = "postrouting";
    public const string TableComment = "Masquerading for plugins from github.com/containernetworking/plugins";
    public const string ChainComment = "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet";

    /// <summary>knftables.CommentLengthMax.</summary>
    public const int CommentLengthMax = 128;

    /// <summary>knftables.SNATPriority ("srcnat").</summary>
    public const int SrcNatPriority = 100;

    /// <summary>The first 16 hex digits of sha512(network): every rule of a network starts with it (GC).</summary>
    public static string HashForNetwork(string network) => GoNames.HashWithPrefix(16, "", network);

    /// <summary><c>h16(network)-h16(ifName:containerId)</c>: the prefix of one attachment's rules.</summary>
    public static string HashForInstance(string network, string ifName, string containerId) =>
        HashForNetwork(network) + "-" + GoNames.HashWithPrefix(16, "", ifName + ":" + containerId);

    /// <summary>
    /// The rule comment, quotes removed, cut to 128 bytes as Go does. Go cuts bytes; we cut at the last whole UTF-8
    /// character within 128 bytes (only differs for non-ASCII names, and matching uses the ASCII hash prefix).
    /// </summary>
    public static string CommentForInstance(string network, string ifName, string containerId)
    {
        string comment = $"{HashForInstance(network, ifName, containerId)}, net: {network.Replace("\"", "")}, " +
            $"if: {ifName.Replace("\"", "")}, id: {containerId.Replace("\"", "")}";
        if (Encoding.UTF8.GetByteCount(comment) <= CommentLengthMax)
            return comment;
        int chars = comment.Length;
        while (Encoding.UTF8.GetByteCount(comment.AsSpan(0, chars)) > CommentLengthMax || char.IsHighSurrogate(comment[chars - 1]))
            chars--;
        return comment[..chars];
    }

    /// <summary>
    /// One attachment's masquerading, all its addresses in one batch (as Go's SetupIPMasqForNetworks): each address
    /// (host bits and prefix as the result gives them, "10.1.0.5/24") is masqueraded to anything outside its subnet.
    /// Earlier rules of the same attachment are replaced, so a repeated ADD does not stack rules.
    /// </summary>
    public static void SetupMasquerade(NftHandle nft, IReadOnlyList<IpNet> addresses, string network, string ifName, string containerId)
    {
        string hash = HashForInstance(network, ifName, containerId);
        string comment = CommentForInstance(network, ifName, containerId);
        IReadOnlyList<NftRuleInfo> stale = ListOurs(nft, hash);

        var batch = new NftBatch();
        new NftStructure(nft, batch, NftFamily.Inet, Table, TableComment)
            .Chain(new NftChain(NftFamily.Inet, Table, Chain, Comment: ChainComment))
            .Chain(new NftChain(NftFamily.Inet, Table, PostroutingChain, new NftBaseChain("nat", NF_INET_POST_ROUTING, SrcNatPriority)),
                Postrouting([.. NftMatch.NfProto(AddressFamily.InterNetwork),
                    .. NftMatch.Destination(IPNetwork.Parse("224.0.0.0/4")), VerdictExpr.Return]),
                Postrouting([.. NftMatch.NfProto(AddressFamily.InterNetworkV6),
                    .. NftMatch.Destination(IPNetwork.Parse("ff00::/8")), VerdictExpr.Return]),
                Postrouting([VerdictExpr.Goto(Chain)]));
        foreach (NftRuleInfo rule in stale)
            batch.DeleteRule(rule);
        foreach (var address in addresses)
        {
            var ip = address.Address.ToIp();
            batch.AddRule(new NftRule(NftFamily.Inet, Table, Chain,
                [.. NftMatch.NfProto(ip.AddressFamily), .. NftMatch.Source(ip), .. NftMatch.Destination(address.ToPrefix(), equal: false), new MasqExpr()],
                comment));
        }
        nft.Commit(batch);
    }

    /// <summary>Removes the attachment's rules (found by comment prefix); nothing found is fine. Returns how many.</summary>
    public static int TeardownMasquerade(NftHandle nft, string network, string ifName, string containerId)
    {
        string hash = HashForInstance(network, ifName, containerId);
        return nft.DeleteRulesByComment(NftFamily.Inet, Table, Chain, c => c.StartsWith(hash, StringComparison.Ordinal));
    }

    /// <summary>
    /// Removes this network's rules whose attachment is not in <paramref name="valid"/>. Go compares whole comments;
    /// we compare the attachment hash prefix, which the comment starts with (same result, robust to truncation).
    /// </summary>
    public static int GcMasquerade(NftHandle nft, string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        string prefix = HashForNetwork(network) + "-";
        var keep = valid.Select(v => HashForInstance(network, v.IfName, v.ContainerId)).ToHashSet(StringComparer.Ordinal);
        return nft.DeleteRulesByComment(NftFamily.Inet, Table, Chain, c =>
            c.StartsWith(prefix, StringComparison.Ordinal) && !keep.Contains(c.Split(',', 2)[0]));
    }

    private static IReadOnlyList<NftRuleInfo> ListOurs(NftHandle nft, string hash) =>
        nft.ListRules(NftFamily.Inet, Table, Chain).Where(r => r.Comment?.StartsWith(hash, StringComparison.Ordinal) == true).ToList();

    private static NftRule Postrouting(NftExpr[] expressions) => new(NftFamily.Inet, Table, PostroutingChain, expressions);
}
