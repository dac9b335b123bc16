namespace CniBox.Applets.Common.Iptables;

/// <summary>The Go plugins' pkg/utils helpers over <see cref="IIptables"/>.</summary>
public static class IptablesUtils
{
    /// <summary>utils.InsertUnique: nothing when the rule is there, else first (<c>-I chain 1</c>) or last (<c>-A</c>).</summary>
    public static void InsertUnique(this IIptables ipt, string table, string chain, IReadOnlyList<string> rule, bool prepend = false)
    {
        if (ipt.Exists(table, chain, rule))
            return;
        if (prepend)
            ipt.Insert(table, chain, 1, rule);
        else
            ipt.Append(table, chain, rule);
    }
}
