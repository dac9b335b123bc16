namespace CniBox.Netlink.TrafficControl;

/// <summary>
/// A root TBF, as <c>tc qdisc add dev X root handle 1: tbf rate R burst B limit L</c> describes it, in the kernel's
/// units: <paramref name="Rate"/> bytes/s, <paramref name="Limit"/> bytes, <paramref name="Buffer"/> psched ticks.
/// </summary>
public sealed record TbfOptions(int LinkIndex, ulong Rate, uint Limit, uint Buffer)
{
    /// <summary>The handle; tc's <c>handle 1:</c> by default.</summary>
    public uint Handle { get; init; } = TcHandle.Make(1, 0);

    /// <summary>
    /// TCA_TBF_BURST, bytes: tc sends it and the kernel then recomputes the buffer from it. Null sends none, as Go's
    /// netlink does, and the kernel keeps <see cref="Buffer"/> (capped at ~4.29 s).
    /// </summary>
    public uint? Burst { get; init; }

    /// <summary>
    /// When set, the 256-entry rate table and the ratespec (cell_log for a 2047-byte MTU, linklayer ethernet,
    /// cell_align -1) as tc computes them with this clock. Null sends neither, as Go's netlink does: the kernel
    /// then reports linklayer "unspec".
    /// </summary>
    public PschedClock? RateTable { get; init; }
}
