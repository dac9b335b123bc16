using System.Runtime.CompilerServices;
using CniBox.Netlink.Codec;
using CniBox.Netlink.TrafficControl;
using CniBox.Tests.Unit.Netlink.Captures;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;
using static CniBox.Netlink.Constants.Tca;

namespace CniBox.Tests.Unit.Netlink.TrafficControl;

/// <summary>The tcmsg header and top-level TCA_* attributes against bytes tc and the kernel exchanged.</summary>
[TestFixture]
public sealed class TcMsgTests
{
    /// <summary>sendmsg of <c>tc qdisc add dev cbtp0 ingress</c> (iproute2 6.1, cbtp0 is #5), from strace -xx.</summary>
    private static readonly byte[] AddIngress =
    [
        0x30, 0x00, 0x00, 0x00, 0x24, 0x00, 0x05, 0x06,                 // len 48, RTM_NEWQDISC, REQUEST | ACK | EXCL | CREATE
        0x16, 0x90, 0x0e, 0x6b, 0x00, 0x00, 0x00, 0x00,                 // seq 1796116502, pid 0
        0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,                 // tcmsg: family AF_UNSPEC, pads, ifindex 5
        0x00, 0x00, 0xff, 0xff, 0xf1, 0xff, 0xff, 0xff,                 // tcm_handle ffff:0, tcm_parent TC_H_INGRESS
        0x00, 0x00, 0x00, 0x00,                                         // tcm_info 0
        0x0c, 0x00, 0x01, 0x00, 0x69, 0x6e, 0x67, 0x72,                 // TCA_KIND len 12 = "ingress"
        0x65, 0x73, 0x73, 0x00,
    ];

    [Test]
    public void TcmsgIs20Bytes() => Assert.That(Unsafe.SizeOf<TcMsg>(), Is.EqualTo(20));

    [Test]
    public void AnIngressQdiscAddIsBuiltByteForByteAsTcSendsIt()
    {
        byte[] built = GoldenRequest.Of((ref NetlinkWriter w) =>
        {
            w.BeginMessage(RTM_NEWQDISC, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, 1796116502);
            w.WriteStruct(new TcMsg { tcm_ifindex = 5, tcm_handle = TcHandle.Make(0xffff, 0), tcm_parent = TC_H_INGRESS });
            w.PutStringZ(TCA_KIND, "ingress");
            w.EndMessage();
        });
        Assert.That(built, Is.EqualTo(AddIngress));
    }

    [Test]
    public void TheIngressQdiscAddDecodesBack()
    {
        NetlinkMessage message = GoldenRequest.Single(AddIngress);
        TcMsg tcm = message.ReadStruct<TcMsg>();
        Assert.That((message.Type, tcm.tcm_family, tcm.tcm_ifindex, tcm.tcm_parent, tcm.tcm_info), Is.EqualTo((RTM_NEWQDISC, (byte)0, 5, TC_H_INGRESS, 0u)));
        Assert.That((TcHandle.Major(tcm.tcm_handle), TcHandle.Minor(tcm.tcm_handle)), Is.EqualTo(((ushort)0xffff, (ushort)0)));
        Assert.That(TopLevel(message), Is.EqualTo(new[] { (TCA_KIND, "ingress") }));
    }

    [Test]
    public void ADumpedTbfRootQdiscDecodesWithItsHandleKindAndOptions()
    {
        NetlinkMessage message = GoldenRequest.Single(QdiscReplies.Tbf);
        TcMsg tcm = message.ReadStruct<TcMsg>();
        Assert.That((message.Type, tcm.tcm_ifindex, tcm.tcm_handle, tcm.tcm_parent), Is.EqualTo((RTM_NEWQDISC, 5, TcHandle.Make(1, 0), TC_H_ROOT)));
        Assert.That(TopLevel(message).Select(a => a.Type), Is.EqualTo(new[] { TCA_KIND, TCA_OPTIONS, TCA_HW_OFFLOAD, TCA_STATS2, TCA_STATS }));
        Assert.That(TopLevel(message)[0].Value, Is.EqualTo("tbf"));
    }

    [Test]
    public void ADumpedIngressQdiscDecodesWithItsParent()
    {
        NetlinkMessage message = GoldenRequest.Single(QdiscReplies.Ingress);
        TcMsg tcm = message.ReadStruct<TcMsg>();
        Assert.That((tcm.tcm_ifindex, tcm.tcm_handle, tcm.tcm_parent), Is.EqualTo((5, TcHandle.Make(0xffff, 0), TC_H_INGRESS)));
        Assert.That(TopLevel(message)[0], Is.EqualTo((TCA_KIND, "ingress")));
    }

    /// <summary><c>tc filter add dev cbtp0 parent ffff: protocol all prio 1 u32 ...</c> sends tcm_info 66304 (strace).</summary>
    [Test]
    public void FilterInfoIsThePriorityOverTheBigEndianProtocol() =>
        Assert.That(TcHandle.FilterInfo(priority: 1, protocol: 0x0003), Is.EqualTo(66304u));

    /// <summary>The top-level attributes in order, with TCA_KIND's string.</summary>
    private static List<(ushort Type, string? Value)> TopLevel(in NetlinkMessage message)
    {
        var attributes = new List<(ushort, string?)>();
        foreach (NetlinkAttribute a in message.Attributes(Unsafe.SizeOf<TcMsg>()))
            attributes.Add((a.Type, a.Type == TCA_KIND ? a.GetString() : null));
        return attributes;
    }
}
