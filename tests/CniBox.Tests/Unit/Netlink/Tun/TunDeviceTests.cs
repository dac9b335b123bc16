using CniBox.Netlink.Tun;

namespace CniBox.Tests.Unit.Netlink.Tun;

/// <summary>
/// The tun interface's numbers and struct ifreq, as linux/if_tun.h and linux/if.h define them on x86_64 (the
/// integration tests then see the kernel accept them: <c>ip -d link</c> reports "tap pi off vnet_hdr on multi_queue").
/// </summary>
public class TunDeviceTests
{
    /// <summary>_IOW(type, nr, int): direction write (1) in bits 30-31, size 4 in bits 16-29, type in 8-15, nr in 0-7.</summary>
    private static int IoW(char type, int nr) => (1 << 30) | (sizeof(int) << 16) | (type << 8) | nr;

    [Test]
    public void IoctlNumbersAreIfTunHs()
    {
        Assert.That((TunDevice.TUNSETIFF, TunDevice.TUNSETPERSIST, TunDevice.TUNSETOWNER, TunDevice.TUNSETGROUP),
            Is.EqualTo((IoW('T', 202), IoW('T', 203), IoW('T', 204), IoW('T', 206))));
    }

    [Test]
    public void ATapIsTapNoPiVnetHdrAndMultiQueueWhenAsked()
    {
        Assert.That(TunDevice.Flags(new TapOptions("t")), Is.EqualTo(0x5002));
        Assert.That(TunDevice.Flags(new TapOptions("t") { MultiQueue = true }), Is.EqualTo(0x5102));
    }

    [Test]
    public void IfReqIsTheNamePaddedThenTheFlags()
    {
        byte[] golden =
        [
            0x63, 0x62, 0x74, 0x68, 0x64, 0x74, 0x61, 0x70, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // "cbthdtap0"
            0x02, 0x51, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // flags 0x5102
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.That(TunDevice.IfReq("cbthdtap0", 0x5102), Is.EqualTo(golden));
    }

    [Test]
    public void ANameLongerThanIfNamSizIsRefused() =>
        Assert.Throws<ArgumentException>(() => TunDevice.IfReq("cbthd-much-too-long", 0x0002));
}
