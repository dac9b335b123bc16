namespace CniBox.Netlink.TrafficControl;

/// <summary>A qdisc as an RTM_NEWQDISC dump reply describes it; <see cref="Tbf"/> is set for kind "tbf".</summary>
public sealed record QdiscInfo(int LinkIndex, uint Handle, uint Parent, string Kind, TbfParameters? Tbf)
{
    public bool IsRoot => Parent == Constants.Tca.TC_H_ROOT;
}

/// <summary>What the kernel reports of a TBF (TCA_TBF_PARMS, TCA_TBF_RATE64): bytes/s, bytes, ticks.</summary>
public sealed record TbfParameters(ulong Rate, uint Limit, uint Buffer, byte LinkLayer);
