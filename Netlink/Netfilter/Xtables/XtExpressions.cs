using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>
/// <c>match name NAME rev REV</c>: an x_tables match run by nft_compat, with its info struct as iptables fills it
/// (the xt_*_info bytes, padded to XT_ALIGN).
/// </summary>
public sealed record XtMatchExpr(string MatchName, uint Revision, byte[] Info) : NftExpr
{
    public override string Name => "match";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutStringZ(NFTA_MATCH_NAME, MatchName);
        w.PutU32BigEndian(NFTA_MATCH_REV, Revision);
        w.PutBytes(NFTA_MATCH_INFO, Info);
    }

    public bool Equals(XtMatchExpr? other) =>
        other is not null && MatchName == other.MatchName && Revision == other.Revision && Info.AsSpan().SequenceEqual(other.Info);

    public override int GetHashCode() => HashCode.Combine(MatchName, Revision, Info.Length);
}

/// <summary><c>target name NAME rev REV</c>: an x_tables target (DNAT, MASQUERADE, MARK ...) run by nft_compat.</summary>
public sealed record XtTargetExpr(string TargetName, uint Revision, byte[] Info) : NftExpr
{
    public override string Name => "target";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutStringZ(NFTA_TARGET_NAME, TargetName);
        w.PutU32BigEndian(NFTA_TARGET_REV, Revision);
        w.PutBytes(NFTA_TARGET_INFO, Info);
    }

    public bool Equals(XtTargetExpr? other) =>
        other is not null && TargetName == other.TargetName && Revision == other.Revision && Info.AsSpan().SequenceEqual(other.Info);

    public override int GetHashCode() => HashCode.Combine(TargetName, Revision, Info.Length);
}
