using CniBox.Netlink.Codec;

namespace CniBox.Netlink.Netfilter;

/// <summary>
/// Whether a rule the kernel lists does what a rule we would write does: same comment, same expressions in order,
/// each with the same attributes. The kernel dumps attributes in its own order, without NLA_F_NESTED, and adds some
/// of its own with their zero default (bitwise's NFT_BITWISE_BOOL); those are allowed, nothing else is. A false
/// "different" only costs a rewrite, so anything unexpected counts as different.
/// </summary>
public static class NftRuleComparison
{
    public static bool Same(NftRule wanted, NftRuleInfo listed)
    {
        if (wanted.Comment != listed.Comment || wanted.Expressions.Count != listed.Expressions.Count)
            return false;
        var buffer = new byte[4096];
        var w = new NetlinkWriter(buffer);
        foreach (NftExpr e in wanted.Expressions)
            e.Write(ref w);
        IReadOnlyList<NftRawExpr> ours = NftParse.RawExpressions(w.Written.ToArray());
        IReadOnlyList<NftRawExpr> theirs = listed.Raw;
        if (ours.Count != theirs.Count)
            return false;
        for (int i = 0; i < ours.Count; i++)
            if (ours[i].Name != theirs[i].Name || !SameData(ours[i].Data, theirs[i].Data))
                return false;
        return true;
    }

    private static bool SameData(byte[] ours, byte[] theirs)
    {
        var nests = new HashSet<string>(StringComparer.Ordinal);
        var wanted = new List<string>();
        var listed = new List<string>();
        Leaves(ours, "", nests, learn: true, wanted);
        Leaves(theirs, "", nests, learn: false, listed);
        foreach (string leaf in wanted)
            if (!listed.Remove(leaf))
                return false;
        return listed.All(leaf => leaf.EndsWith("=00000000", StringComparison.Ordinal));
    }

    /// <summary>"path=hex" per leaf attribute; what is a nest is learnt from our encoding, which flags every nest.</summary>
    private static void Leaves(ReadOnlySpan<byte> data, string path, HashSet<string> nests, bool learn, List<string> leaves)
    {
        foreach (NetlinkAttribute a in new AttributeReader(data))
        {
            string p = path + "/" + a.Type;
            if (learn ? a.IsNested : nests.Contains(p))
            {
                if (learn) nests.Add(p);
                Leaves(a.Payload, p, nests, learn, leaves);
            }
            else
                leaves.Add(p + "=" + Convert.ToHexString(a.Payload));
        }
    }
}
