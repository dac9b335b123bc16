using CniBox.Netlink.Codec;
using CniBox.Netlink.TrafficControl;
using CniBox.Tests.Unit.Netlink.Captures;
using static CniBox.Netlink.Constants.Tca;

namespace CniBox.Tests.Unit.Netlink.TrafficControl;

/// <summary>
/// RTM_NEWQDISC and RTM_NEWTFILTER requests against what <c>tc</c> (iproute2 6.1) and Debian's Go bandwidth 1.1.1
/// sent on kernel 6.18, captured with <c>strace -f -e trace=sendmsg,sendto -s 4096 -xx</c> in a throwaway
/// cbt-bw-* netns (psched 000003e8 00000040 000f4240 3b9aca00, 15.625 ticks per µs). Payloads are written as the
/// hex strace printed after the 16-byte nlmsghdr; little-endian host.
/// </summary>
[TestFixture]
public sealed class TrafficControlMessagesTests
{
    private static readonly PschedClock Clock = PschedClock.Parse("000003e8 00000040 000f4240 3b9aca00\n");

    // tc qdisc add dev #4 root handle 1: tbf rate 8000000bit burst 10000 limit 35000:
    // tcmsg (ifindex 4, handle 1:, parent root), TCA_KIND "tbf", TCA_OPTIONS { TCA_TBF_PARMS (rate 1e6 B/s, cell_log 3,
    // linklayer ethernet, cell_align -1, limit 35000, buffer 156250), TCA_TBF_BURST 10000, TCA_TBF_RTAB (256 x u32) }.
    private const string TcTbf = "000000000400000000000100ffffffff000000000800010074626600380402002800010003010000ffff000040420f00000000000000000000000000b88800005a620200000000000800060010270000040402007d000000fa00000077010000f401000071020000ee0200006b030000e803000065040000e20400005f050000dc05000059060000d606000053070000d00700004d080000ca08000047090000c4090000410a0000be0a00003b0b0000b80b0000350c0000b20c00002f0d0000ac0d0000290e0000a60e0000230f0000a00f00001d1000009a1000001711000094110000111200008e1200000b130000881300000514000082140000ff1400007c150000f915000076160000f316000070170000ed1700006a180000e718000064190000e11900005e1a0000db1a0000581b0000d51b0000521c0000cf1c00004c1d0000c91d0000461e0000c31e0000401f0000bd1f00003a200000b720000034210000b12100002e220000ab22000028230000a5230000222400009f2400001c250000992500001626000093260000102700008d2700000a280000872800000429000081290000fe2900007b2a0000f82a0000752b0000f22b00006f2c0000ec2c0000692d0000e62d0000632e0000e02e00005d2f0000da2f000057300000d430000051310000ce3100004b320000c832000045330000c23300003f340000bc34000039350000b635000033360000b03600002d370000aa37000027380000a4380000213900009e3900001b3a0000983a0000153b0000923b00000f3c00008c3c0000093d0000863d0000033e0000803e0000fd3e00007a3f0000f73f000074400000f14000006e410000eb41000068420000e542000062430000df4300005c440000d944000056450000d345000050460000cd4600004a470000c747000044480000c14800003e490000bb490000384a0000b54a0000324b0000af4b00002c4c0000a94c0000264d0000a34d0000204e00009d4e00001a4f0000974f000014500000915000000e5100008b5100000852000085520000025300007f530000fc53000079540000f654000073550000f05500006d560000ea56000067570000e457000061580000de5800005b590000d8590000555a0000d25a00004f5b0000cc5b0000495c0000c65c0000435d0000c05d00003d5e0000ba5e0000375f0000b45f000031600000ae6000002b610000a861000025620000a26200001f6300009c630000196400009664000013650000906500000d6600008a6600000767000084670000016800007e680000fb68000078690000f5690000726a0000ef6a00006c6b0000e96b0000666c0000e36c0000606d0000dd6d00005a6e0000d76e0000546f0000d16f00004e700000cb70000048710000c571000042720000bf7200003c730000b973000036740000b374000030750000ad7500002a760000a776000024770000a17700001e7800009b7800001879000085790000127a00007f7a00000c7b0000897b0000067c0000837c0000007d0000";

    // Go bandwidth 1.1.1's ingress TBF (8 Mbit/s, burst 80000 bit) on #2: TCA_TBF_PARMS only, linklayer unaware.
    private const string GoTbf =
        "000000000200000000000100ffffffff00000000" + "0800010074626600" +
        "2c000200" + "28000100000000000000000040420f00000000000000000000000000b88800005a62020000000000";

    // tc qdisc add dev #4 handle ffff: ingress
    private const string TcIngress = "00000000040000000000fffff1ffffff000000000c000100696e677265737300";

    // tc filter add dev #4 parent ffff: protocol all prio 1 u32 match u32 0 0 flowid 1:1 action mirred egress redirect dev #5:
    // TCA_KIND "u32", TCA_OPTIONS { CLASSID 1:1, ACT { 1 { KIND "mirred", OPTIONS|NESTED { PARMS stolen, egress redir, #5 } } }, SEL terminal, 1 zero key }.
    private const string TcFilter =
        "0000000004000000000000000000ffff000301000800010075333200680002000800010001000100" +
        "38000700340001000b0001006d69727265640000240002802000020000000000000000000400000000000000000000000100000005000000" +
        "240005000100010000000000000000000000000000000000000000000000000000000000";

    private static (ushort Type, ushort Flags, string Payload) Build(Build build)
    {
        Span<byte> buffer = stackalloc byte[2048];
        var writer = new NetlinkWriter(buffer);
        build(ref writer);
        var bytes = writer.Written.ToArray();
        Assert.That(BitConverter.ToUInt32(bytes, 0), Is.EqualTo((uint)bytes.Length), "nlmsg_len");
        return (BitConverter.ToUInt16(bytes, 4), BitConverter.ToUInt16(bytes, 6), Convert.ToHexStringLower(bytes[16..]));
    }

    [Test]
    public void TbfWithRateTableAndBurstMatchesTc()
    {
        var tbf = new TbfOptions(4, 1_000_000, 35000, Clock.TransmitTime(1_000_000, 10000)) { Burst = 10000, RateTable = Clock };
        var (type, flags, payload) = Build((ref w) => QdiscMessages.AddTbf(ref w, 1, tbf));
        Assert.That((type, flags), Is.EqualTo((36, 0x605)), "RTM_NEWQDISC, REQUEST | ACK | EXCL | CREATE");
        Assert.That(tbf.Buffer, Is.EqualTo(156250u), "tc_calc_xmittime(1e6, 10000)");
        Assert.That(payload, Is.EqualTo(TcTbf));
    }

    [Test]
    public void TbfWithoutTableOrBurstMatchesGosNetlink()
    {
        var (_, flags, payload) = Build((ref w) => QdiscMessages.AddTbf(ref w, 1, new TbfOptions(2, 1_000_000, 35000, 156250)));
        Assert.That(flags, Is.EqualTo(0x605));
        Assert.That(payload, Is.EqualTo(GoTbf));
    }

    [Test]
    public void TbfOf2To32BytesPerSecondOrMoreSaturatesTheRatespecAndSendsRate64()
    {
        var (_, _, payload) = Build((ref w) => QdiscMessages.AddTbf(ref w, 1, new TbfOptions(5, 10_000_000_000, 35000, 1)));
        // ratespec.rate ~0 as tc sets it, then TCA_TBF_RATE64 len 12 = 10e9.
        Assert.That(payload, Does.Contain("ffffffff" + new string('0', 24) + "b8880000"));
        Assert.That(payload, Does.EndWith("0c00040000e40b5402000000"));
    }

    [Test]
    public void IngressMatchesTc()
    {
        var (type, flags, payload) = Build((ref w) => QdiscMessages.AddIngress(ref w, 1, 4));
        Assert.That((type, flags, payload), Is.EqualTo((36, 0x605, TcIngress)));
    }

    [Test]
    public void U32MatchAllWithMirredRedirectMatchesTc()
    {
        var filter = new U32MatchAllOptions(4, TcHandle.Make(0xffff, 0), 1, [new MirredAction(5)]) { ClassId = TcHandle.Make(1, 1) };
        var (type, flags, payload) = Build((ref w) => FilterMessages.AddU32MatchAll(ref w, 1, filter));
        Assert.That((type, flags, payload), Is.EqualTo((44, 0x605, TcFilter)));
    }

    [Test]
    public void EachActionIsNumberedInOrderWithItsVerdict()
    {
        var filter = new U32MatchAllOptions(4, TcHandle.Make(0xffff, 0), 1,
            [new MirredAction(5), new MirredAction(5) { Verdict = FilterMessages.TC_ACT_OK }]);
        var (_, _, payload) = Build((ref w) => FilterMessages.AddU32MatchAll(ref w, 1, filter));
        // Action 1 steals (4), action 2 passes (0); no CLASSID without a flowid.
        Assert.That(payload, Does.Contain("340001000b0001006d69727265640000240002802000020000000000000000000400000000000000000000000100000005000000"));
        Assert.That(payload, Does.Contain("340002000b0001006d69727265640000240002802000020000000000000000000000000000000000000000000100000005000000"));
        Assert.That(payload, Does.Not.Contain("0800010001000100"));
    }

    [Test]
    public void DeleteAndDumpAreBareTcmsgs()
    {
        var (type, flags, payload) = Build((ref w) => QdiscMessages.Delete(ref w, 1, 7, TC_H_INGRESS));
        Assert.That((type, flags, payload), Is.EqualTo((37, 0x5, "0000000007000000" + "00000000" + "f1ffffff" + "00000000")));
        (type, flags, payload) = Build((ref w) => QdiscMessages.Dump(ref w, 1));
        Assert.That((type, flags, payload), Is.EqualTo((38, 0x301, new string('0', 40))));
    }

    [Test]
    public void ADumpedTbfGivesRateLimitBufferAndLinklayer()
    {
        var info = QdiscMessages.Parse(GoldenRequest.Single(QdiscReplies.Tbf))!;
        Assert.That((info.LinkIndex, info.Handle, info.IsRoot, info.Kind), Is.EqualTo((5, 0x10000u, true, "tbf")));
        Assert.That(info.Tbf, Is.EqualTo(new TbfParameters(125000, 54096, 512000, QdiscMessages.TC_LINKLAYER_ETHERNET)));
        var ingress = QdiscMessages.Parse(GoldenRequest.Single(QdiscReplies.Ingress))!;
        Assert.That((ingress.Kind, ingress.Parent, ingress.Tbf), Is.EqualTo(("ingress", TC_H_INGRESS, (TbfParameters?)null)));
    }

    [TestCase("000003e8 00000040 000f4240 3b9aca00", 15.625)]
    [TestCase("000003e8 000003e8 3b9aca00 3b9aca00", 1000.0)]
    [TestCase("00000001 00000001 000f4240 00000064", 1.0)]
    public void PschedClockIsTcsTickInUsec(string psched, double tickInUsec) =>
        Assert.That(PschedClock.Parse(psched).TickInUsec, Is.EqualTo(tickInUsec));

    [Test]
    public void ThisKernelsClockReads() => Assert.That(PschedClock.Read().TickInUsec, Is.GreaterThan(0));
}
