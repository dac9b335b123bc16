using CniBox.Applets.Common.Iptables;
using CniBox.Netlink.Netfilter;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using static CniBox.Applets.Firewall.Iptables.FirewallIptablesRules;

namespace CniBox.Applets.Firewall.Iptables;

/// <summary>
/// <c>"backend": "iptables"</c>: Go's layout (<see cref="FirewallIptablesRules"/>) through <see cref="IIptables"/>, one
/// per family the container has an address in (Go opens both families up front and fails on a host without
/// ip6tables even for a v4-only container; this does not). ADD rolls back the address rules it appended when a later
/// one fails, as Go's cleanupRules does; DEL ignores what is already gone.
/// ADD reads no rule of CNI-FORWARD, so its cost does not grow with the node's containers: a jump is known present
/// when the kernel counts a reference to its target chain (the layout's jumps are the only ones that name them), and a
/// first ADD (no record of the attachment) appends its address rules without looking for
/// them. Unlike Go's AppendUnique, an address that two attachments share (a lost DEL, overlapping networks) then has
/// its rules twice, and each DEL removes one copy: the survivor keeps its accepts.
/// </summary>
/// DEL deletes the rules by the kernel handles the record keeps (<paramref name="recorded"/>), each checked with one
/// request, and looks for a rule by content (a listing) only when its handle no longer holds it.
public sealed class IptablesFirewall(string adminChain, Func<bool, IIptables> open, FirewallRecord? recorded = null) : IFirewallBackend
{
    private readonly bool _firstAdd = recorded is null;
    private readonly List<FirewallRuleHandle> _handles = [];

    /// <summary>The handles of the address rules this instance's ADD appended, for the record.</summary>
    public IReadOnlyList<FirewallRuleHandle> Handles => _handles;

    /// <summary>The families whose chains this instance's ADD created: its DEL (a rollback) removes them again.</summary>
    private readonly HashSet<bool> _created = [];

    /// <param name="nft">The call's handle: every family's iptables speaks through it (no socket of their own).</param>
    public IptablesFirewall(string adminChain, FirewallRecord? recorded, NftHandle nft) : this(adminChain, v6 => IptablesHost.Open(v6, nft), recorded)
    {
    }

    public string Name => FirewallConfig.Iptables;

    public void Add(FirewallAttachment attachment)
    {
        foreach (var (ipt, rules) in Families(attachment))
        {
            if (!ipt.ChainExists(Filter, PrivateChain) && !ipt.ChainExists(Filter, adminChain)) _created.Add(ipt.Ipv6);
            SetupChains(ipt);
            var appended = new List<string[]>();
            try
            {
                foreach (var rule in rules)
                {
                    if (!_firstAdd && ipt.Exists(Filter, PrivateChain, rule)) continue;
                    if (ipt is IIptablesRuleHandles kept)
                        _handles.Add(new FirewallRuleHandle(ipt.Ipv6, kept.AppendKeepingHandle(Filter, PrivateChain, rule), string.Join(' ', rule)));
                    else
                        ipt.Append(Filter, PrivateChain, rule);
                    appended.Add(rule);
                }
            }
            catch
            {
                foreach (var rule in appended) ipt.DeleteIfExists(Filter, PrivateChain, rule);
                throw;
            }
        }
    }

    public void Del(FirewallAttachment attachment)
    {
        foreach (var (ipt, rules) in Families(attachment))
        {
            if (!ipt.ChainExists(Filter, PrivateChain)) continue;
            var byHandle = DeletedByHandle(ipt, rules);
            for (int i = 0; i < rules.Count; i++)
                if (!byHandle[i]) ipt.DeleteIfExists(Filter, PrivateChain, rules[i]);
            if (_created.Contains(ipt.Ipv6) && ipt.ListRules(Filter, PrivateChain).Count(l => l.StartsWith("-A ", StringComparison.Ordinal)) <= 1)
            {
                ipt.DeleteIfExists(Filter, Forward, ForwardJump());
                ipt.ClearAndDeleteChain(Filter, PrivateChain);
                ipt.ClearAndDeleteChain(Filter, adminChain);
            }
        }
    }

    /// <summary>The rules whose handles are known, deleted in one batch (one commit, not one per rule); per rule whether it was.</summary>
    private bool[] DeletedByHandle(IIptables ipt, List<string[]> rules)
    {
        if (ipt is not IIptablesRuleHandles kept) return new bool[rules.Count];
        var handled = new List<HandledRule>(rules.Count);
        foreach (var rule in rules)
        {
            string text = string.Join(' ', rule);
            var known = new List<ulong>();
            foreach (var h in _handles.Concat(recorded?.Handles ?? []))
                if (h.Ipv6 == ipt.Ipv6 && h.Rule == text) known.Add(h.Handle);
            handled.Add(new HandledRule(rule, known));
        }
        return kept.DeleteByHandles(Filter, PrivateChain, handled);
    }

    /// <summary>checkRules: FORWARD's jump, the admin jump, then each address rule, with Go's texts (plain errors).</summary>
    public void Check(FirewallAttachment attachment)
    {
        foreach (var (ipt, rules) in Families(attachment))
        {
            Require(ipt, Forward, ForwardJump(), $"expected {Forward} rule {GoList(ForwardJump())} not found");
            var admin = AdminJump(adminChain);
            Require(ipt, PrivateChain, admin, $"expected {PrivateChain} rule {GoList(admin)} not found");
            foreach (var rule in rules)
                Require(ipt, PrivateChain, rule, $"expected rule {GoList(rule)} not found");
        }
    }

    /// <summary>setupChains: both chains, FORWARD's jump first, the admin jump first in CNI-FORWARD.</summary>
    private void SetupChains(IIptables ipt)
    {
        ipt.EnsureChain(Filter, PrivateChain);
        ipt.EnsureChain(Filter, adminChain);
        EnsureFirst(ipt, Forward, ForwardJump(), PrivateChain);
        EnsureFirst(ipt, PrivateChain, AdminJump(adminChain), adminChain);
    }

    /// <summary>Inserts the jump to <paramref name="target"/> first in <paramref name="chain"/> unless some rule jumps there.</summary>
    private static void EnsureFirst(IIptables ipt, string chain, string[] rule, string target)
    {
        if (ipt.References(Filter, target) == 0) ipt.Insert(Filter, chain, 1, rule);
    }

    private static void Require(IIptables ipt, string chain, string[] rule, string message)
    {
        if (!ipt.ChainExists(Filter, chain) || !ipt.Exists(Filter, chain, rule))
            throw new CniException(ErrorCode.Internal, message);
    }

    /// <summary>v4 first, then v6, each with the rules of its addresses; a family without addresses is not opened.</summary>
    private IEnumerable<(IIptables Ipt, List<string[]> Rules)> Families(FirewallAttachment attachment)
    {
        foreach (var v6 in new[] { false, true })
        {
            var rules = attachment.Addresses.Where(a => a.Address.IsV4 != v6).SelectMany(a => AddressRules(a.Address)).ToList();
            if (rules.Count > 0) yield return (open(v6), rules);
        }
    }

    /// <summary>The families of <paramref name="addresses"/>, v4 first (Go's findProtos, without duplicates).</summary>
    public static IEnumerable<bool> Families(IEnumerable<IpNet> addresses)
    {
        var list = addresses.ToList();
        if (list.Any(a => a.Address.IsV4)) yield return false;
        if (list.Any(a => !a.Address.IsV4)) yield return true;
    }
}
