using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Netfilter.Xtables;

namespace CniBox.Applets.Common.Iptables;

/// <summary>Deletion by the kernel handles kept at append (<see cref="IIptablesRuleHandles"/>).</summary>
public sealed partial class IptablesNft
{
    public bool DeleteByHandle(string table, string chain, ulong handle, IReadOnlyList<string> rule) =>
        DeleteByHandles(table, chain, [new HandledRule(rule, [handle])])[0];

    public bool[] DeleteByHandles(string table, string chain, IReadOnlyList<HandledRule> rules)
    {
        var deleted = new bool[rules.Count];
        var batch = new NftBatch();
        var handles = new List<ulong>();
        string? first = null;
        for (int i = 0; i < rules.Count; i++)
        {
            string text = Parse(rules[i].Rule).ToString();
            foreach (ulong handle in rules[i].Handles)
            {
                if (handles.Contains(handle)) continue;
                NftRuleInfo? listed = Kernel(() => _nft.GetRule(_family, table, chain, handle));
                if (listed is null || XtRuleDecoder.Decode(listed)?.ToString() != text) continue;
                batch.DeleteRule(_family, table, chain, handle);
                handles.Add(handle);
                first ??= text;
                deleted[i] = true;
                break;
            }
        }
        if (first is null) return deleted;
        Commit(batch, $"-t {table} -D {chain} {first}");
        if (_rules.TryGetValue((table, chain), out var listedRules))
            foreach (ulong handle in handles)
            {
                int index = listedRules.FindIndex(r => r.Handle == handle);
                if (index >= 0) listedRules.RemoveAt(index);
                else
                {
                    _rules.Remove((table, chain));
                    break;
                }
            }
        return deleted;
    }
}
