using CniBox.Applets.Common.Iptables;
using CniBox.Spec;
using static CniBox.Applets.Firewall.Iptables.FirewallIptablesRules;

namespace CniBox.Applets.Firewall.Iptables;

/// <summary>
/// ingressPolicy in iptables as Go 1.9.1's ingresspolicy.go writes it, whatever the backend (iptables or firewalld):
/// FORWARD gets <c>-j CNI-ISOLATION-STAGE-1</c> prepended; STAGE-1 gets <c>-i br ! -o br -j STAGE-2</c> and, when
/// isolated, <c>-i br -o br -j DROP</c> (both prepended), then <c>-j RETURN</c> (appended); STAGE-2 gets
/// <c>-o br -j DROP</c> (prepended) and <c>-j RETURN</c>. Go never removes them; <see cref="Remove"/> does, when the
/// applet's records say the bridge's last attachment went.
/// </summary>
public sealed class IptablesIsolation(IIptables ipt)
{
    public const string Stage1 = "CNI-ISOLATION-STAGE-1";
    public const string Stage2 = "CNI-ISOLATION-STAGE-2";

    /// <summary>withDefaultComment: the rules every policy shares (FORWARD's jump, the RETURNs, STAGE-2's drop).</summary>
    public const string SharedComment = "CNI firewall plugin rules (ingressPolicy: same-bridge|isolated)";

    public static string PolicyComment(IngressPolicy policy) => $"CNI firewall plugin rules (ingressPolicy: {FirewallConfig.Word(policy)})";

    public static string[] JumpToStage1() => Commented(["-j", Stage1], SharedComment);

    public static string[] Stage1Bridge(string bridge, IngressPolicy policy) =>
        Commented(["-i", bridge, "!", "-o", bridge, "-j", Stage2], PolicyComment(policy));

    public static string[] Stage1BridgeDrop(string bridge) =>
        Commented(["-i", bridge, "-o", bridge, "-j", "DROP"], PolicyComment(IngressPolicy.Isolated));

    public static string[] Stage2Bridge(string bridge) => Commented(["-o", bridge, "-j", "DROP"], SharedComment);

    public static string[] Return() => Commented(["-j", "RETURN"], SharedComment);

    /// <summary>setupIsolationChains, each step utils.InsertUnique.</summary>
    public void Setup(string bridge, IngressPolicy policy)
    {
        ipt.EnsureChain(Filter, Stage1);
        ipt.EnsureChain(Filter, Stage2);
        InsertUnique(Forward, JumpToStage1(), prepend: true);
        InsertUnique(Stage1, Stage1Bridge(bridge, policy), prepend: true);
        if (policy == IngressPolicy.Isolated)
            InsertUnique(Stage1, Stage1BridgeDrop(bridge), prepend: true);
        InsertUnique(Stage1, Return(), prepend: false);
        InsertUnique(Stage2, Stage2Bridge(bridge), prepend: true);
        InsertUnique(Stage2, Return(), prepend: false);
    }

    /// <summary>CHECK (Go checks none of these): every rule <see cref="Setup"/> writes for the bridge and policy.</summary>
    public void Check(string bridge, IngressPolicy policy)
    {
        var expected = new List<(string Chain, string[] Rule)>
        {
            (Forward, JumpToStage1()), (Stage1, Stage1Bridge(bridge, policy)), (Stage1, Return()), (Stage2, Stage2Bridge(bridge)), (Stage2, Return()),
        };
        if (policy == IngressPolicy.Isolated) expected.Insert(2, (Stage1, Stage1BridgeDrop(bridge)));
        foreach (var (chain, rule) in expected)
            if (!ipt.ChainExists(Filter, chain) || !ipt.Exists(Filter, chain, rule))
                throw new CniException(ErrorCode.Internal, $"expected {chain} rule {GoList(rule)} not found");
    }

    /// <summary>
    /// Removes the bridge's rules: only the isolated ones when <paramref name="isolatedOnly"/> (same-bridge attachments
    /// remain on it), else all of them; when no bridge is left in STAGE-1, the chains and FORWARD's jump go too.
    /// </summary>
    public void Remove(string bridge, bool isolatedOnly)
    {
        if (!ipt.ChainExists(Filter, Stage1)) return;
        // A name iptables refuses (16 bytes or more) is in no rule, and -C with it would fail: only the rest is undone.
        var named = System.Text.Encoding.UTF8.GetByteCount(bridge) < 16;
        if (named)
        {
            ipt.DeleteIfExists(Filter, Stage1, Stage1BridgeDrop(bridge));
            ipt.DeleteIfExists(Filter, Stage1, Stage1Bridge(bridge, IngressPolicy.Isolated));
        }
        if (isolatedOnly) return;
        if (named)
        {
            ipt.DeleteIfExists(Filter, Stage1, Stage1Bridge(bridge, IngressPolicy.SameBridge));
            if (ipt.ChainExists(Filter, Stage2)) ipt.DeleteIfExists(Filter, Stage2, Stage2Bridge(bridge));
        }
        var left = ipt.ListRules(Filter, Stage1).Count(line => line.StartsWith("-A ", StringComparison.Ordinal));
        if (left > 1 || (left == 1 && !ipt.Exists(Filter, Stage1, Return()))) return;
        ipt.DeleteIfExists(Filter, Forward, JumpToStage1());
        // Another jump (Go 1.1's, with its older comment) keeps the chains: deleting them would fail.
        if (ipt.ListRules(Filter, Forward).Any(line => line.EndsWith("-j " + Stage1, StringComparison.Ordinal))) return;
        ipt.ClearAndDeleteChain(Filter, Stage1);
        ipt.ClearAndDeleteChain(Filter, Stage2);
    }

    private void InsertUnique(string chain, string[] rule, bool prepend)
    {
        if (ipt.Exists(Filter, chain, rule)) return;
        if (prepend) ipt.Insert(Filter, chain, 1, rule);
        else ipt.Append(Filter, chain, rule);
    }

    private static string[] Commented(string[] rule, string comment) => [.. rule, "-m", "comment", "--comment", comment];
}
