using System.Globalization;

namespace CniBox.Netlink.TrafficControl;

/// <summary>
/// The kernel's packet scheduler clock as <c>tc</c> reads it (iproute2 tc_core.c, tc_core_init): /proc/net/psched
/// holds four hex words, t2us, us2t, clock_res and hz. A tick is 1/(us2t/t2us) microseconds; TBF buffers, rate
/// tables and HTB bursts are in ticks.
/// </summary>
public sealed class PschedClock
{
    public const string ProcFile = "/proc/net/psched";

    /// <summary>TIME_UNITS_PER_SEC of tc_core.h: times are microseconds.</summary>
    public const double TimeUnitsPerSecond = 1_000_000;

    private PschedClock(double tickInUsec) => TickInUsec = tickInUsec;

    /// <summary>Ticks per microsecond (15.625 on a kernel with 64 ns ticks).</summary>
    public double TickInUsec { get; }

    public static PschedClock Read() => Parse(File.ReadAllText(ProcFile));

    /// <summary>The file's text; a clock_res of 1e9 makes t2us equal us2t, tc's compatibility hack.</summary>
    public static PschedClock Parse(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 3)
            throw new FormatException($"{ProcFile}: expected at least three hex words, got \"{text.Trim()}\"");
        var t2us = Hex(words[0]);
        var us2t = Hex(words[1]);
        var clockRes = Hex(words[2]);
        if (us2t == 0) throw new FormatException($"{ProcFile}: us2t is 0");
        if (clockRes == 1_000_000_000) t2us = us2t;
        var clockFactor = clockRes / TimeUnitsPerSecond;
        return new PschedClock((double)t2us / us2t * clockFactor);
    }

    /// <summary>tc_core_time2tick: microseconds to ticks, truncated to 32 bits as C's conversion to unsigned does.</summary>
    public uint TimeToTick(uint time) => (uint)(time * TickInUsec);

    /// <summary>tc_calc_xmittime: the ticks <paramref name="size"/> bytes take at <paramref name="rate"/> bytes/s.</summary>
    public uint TransmitTime(ulong rate, uint size) => TimeToTick((uint)(TimeUnitsPerSecond * ((double)size / rate)));

    private static uint Hex(string word) => uint.Parse(word, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
