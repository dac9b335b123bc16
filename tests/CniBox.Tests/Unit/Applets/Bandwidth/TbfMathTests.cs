using CniBox.Applets.Bandwidth;
using CniBox.Netlink.TrafficControl;

namespace CniBox.Tests.Unit.Applets.Bandwidth;

/// <summary>The TBF values against what Debian's Go bandwidth 1.1.1 sent (strace) and Go's float64 conversions.</summary>
public sealed class TbfMathTests
{
    private static readonly PschedClock Clock = PschedClock.Parse("000003e8 00000040 000f4240 3b9aca00");

    [TestCase(8_000_000UL, 80_000UL, 1_000_000UL, 35_000u, 156_250u)]
    [TestCase(16_000_000UL, 160_000UL, 2_000_000UL, 70_000u, 156_250u)]
    public void AsGoSentThem(ulong rateBits, ulong burstBits, ulong rate, uint limit, uint buffer)
    {
        var tbf = TbfMath.Options(3, rateBits, burstBits, Clock);
        Assert.That((tbf.LinkIndex, tbf.Rate, tbf.Limit, tbf.Buffer, tbf.Burst, tbf.RateTable), Is.EqualTo((3, rate, limit, buffer, (uint?)null, (PschedClock?)null)));
    }

    [Test]
    public void CrisBurstWrapsPast2To32TicksAsGoOnAmd64()
    {
        // 10 Mbit/s, burst 4294967295 bit: 429496728 us, 6710886375 ticks, low 32 bits 2415919079 (0x8fffffe7, which
        // Go 1.1.1 sent and kernel 6.18 reports back, tc -raw).
        var tbf = TbfMath.Options(3, 10_000_000, 4_294_967_295, Clock);
        Assert.That(tbf.Buffer, Is.EqualTo(2_415_919_079u));
        Assert.That(tbf.Limit, Is.EqualTo(31_250u + 536_870_911u));
    }

    [TestCase(double.NaN, 0u)]
    [TestCase(double.PositiveInfinity, 0u)]
    [TestCase(4294967296.0 + 7, 7u)]
    [TestCase(12.9, 12u)]
    public void GoUint32IsAmd64sConversion(double value, uint expected) => Assert.That(TbfMath.GoUint32(value), Is.EqualTo(expected));
}
