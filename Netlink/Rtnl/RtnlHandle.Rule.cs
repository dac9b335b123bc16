using System.Net.Sockets;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Rules;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary><c>ip rule add ...</c>; an identical rule throws EEXIST.</summary>
    public void AddRule(RuleSpec rule) =>
        Execute($"RTM_NEWRULE {rule}", (ref NetlinkWriter w, uint seq) => RuleMessages.Add(ref w, seq, rule));

    /// <summary><c>ip rule del ...</c>; no matching rule throws ENOENT (IsNotFound).</summary>
    public void DeleteRule(RuleSpec rule) =>
        Execute($"RTM_DELRULE {rule}", (ref NetlinkWriter w, uint seq) => RuleMessages.Delete(ref w, seq, rule));

    /// <summary><c>ip -4|-6 rule show</c>, the kernel's default rules included.</summary>
    public IReadOnlyList<RuleSpec> ListRules(AddressFamily family)
    {
        List<RuleSpec> rules = Dump("RTM_GETRULE dump", (ref NetlinkWriter w, uint seq) => RuleMessages.Dump(ref w, seq, family), RuleMessages.Parse);
        rules.RemoveAll(r => r.Family != family);
        return rules;
    }
}
