using CniBox.Netlink.TrafficControl;

namespace CniBox.Applets.Bandwidth;

/// <summary>
/// The TBF values exactly as Go's bandwidth 1.1.1 computes them (ifb_creator.go createTBF, with vishvananda's
/// tick clock): rate = bits/8; buffer = ticks(burst·1e6/rate µs); limit = rate·25 ms + burst, in float64 with Go's
/// conversions to uint32 on amd64 (through int64, so a value past 2^32 wraps instead of saturating).
/// </summary>
public static class TbfMath
{
    public const double LatencyInMillis = 25;

    private const double TimeUnitsPerSecond = PschedClock.TimeUnitsPerSecond;

    /// <summary>The root TBF Go asks for: no rate table and no TCA_TBF_BURST, so the kernel keeps and reports the buffer given.</summary>
    public static TbfOptions Options(int linkIndex, ulong rateInBits, ulong burstInBits, PschedClock clock)
    {
        var rate = rateInBits / 8;
        var burst = (uint)(burstInBits / 8);
        return new TbfOptions(linkIndex, rate, Limit(rate, burst), Buffer(rate, burst, clock));
    }

    /// <summary>Go's buffer(rate, burst): time2Tick(uint32(burst·1e6/rate)).</summary>
    public static uint Buffer(ulong rate, uint burst, PschedClock clock) =>
        GoUint32(GoUint32(burst * TimeUnitsPerSecond / rate) * clock.TickInUsec);

    /// <summary>Go's limit(rate, latency, burst): uint32(rate·latency/1e6) + burst, wrapping as uint32 does.</summary>
    public static uint Limit(ulong rate, uint burst) =>
        unchecked(GoUint32((double)rate * (TimeUnitsPerSecond * (LatencyInMillis / 1000.0)) / TimeUnitsPerSecond) + burst);

    /// <summary>
    /// Go's uint32(f) on amd64: CVTTSD2SQ to int64, then the low 32 bits; NaN, infinities and values outside int64
    /// give the "integer indefinite" 0x8000000000000000, whose low bits are 0 (a rate of under 8 bit/s divides by 0).
    /// </summary>
    public static uint GoUint32(double value) =>
        double.IsNaN(value) || value >= 9.2233720368547758E18 || value < -9.2233720368547758E18 ? 0 : unchecked((uint)(long)value);
}
