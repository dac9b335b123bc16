using System.Text;
using CniBox.Applets.Tuning;

namespace CniBox.Tests.Unit.Applets.Tuning;

/// <summary>The backup file: Go's configToRestore bytes, plus the previous sysctls in a key Go ignores.</summary>
public class TuningBackupTests
{
    // Written by Debian's Go tuning 1.1.1 for mac, promisc, mtu and allmulti (txQLen came with 1.4.0).
    private const string GoFile = "{\n \"mac\": \"e2:34:6f:37:b0:24\",\n \"promisc\": false,\n \"mtu\": 1500,\n \"allmulti\": false\n}";

    [Test]
    public void AttributesAreWrittenAsGosMarshalIndent()
    {
        var backup = new TuningBackup { Mac = "e2:34:6f:37:b0:24", Promisc = false, Mtu = 1500, Allmulti = false };
        Assert.That(backup.ToJson(), Is.EqualTo(GoFile));
        Assert.That(new TuningBackup().ToJson(), Is.EqualTo("{}"));
        Assert.That(new TuningBackup { TxQLen = 0 }.ToJson(), Is.EqualTo("{\n \"txQLen\": 0\n}"));
    }

    [Test]
    public void PreviousSysctlsFollowInWriteOrder()
    {
        var backup = new TuningBackup
        {
            Mtu = 1500,
            Sysctls = [new("/proc/sys/net/ipv4/conf/eth0.5/arp_notify", "0"), new("/proc/sys/net/core/somaxconn", "4096")],
        };
        Assert.That(backup.ToJson(), Is.EqualTo("{\n \"mtu\": 1500,\n \"previousSysctls\": {\n  " +
            "\"/proc/sys/net/ipv4/conf/eth0.5/arp_notify\": \"0\",\n  \"/proc/sys/net/core/somaxconn\": \"4096\"\n }\n}"));
        var read = TuningBackup.Parse(Encoding.UTF8.GetBytes(backup.ToJson()))!;
        Assert.That(read.Sysctls, Is.EqualTo(backup.Sysctls));
        Assert.That((read.Mtu, read.HasAttributes), Is.EqualTo((1500, true)));
    }

    [Test]
    public void GosFileReadsWithNoSysctls()
    {
        var read = TuningBackup.Parse(Encoding.UTF8.GetBytes(GoFile))!;
        Assert.That((read.Mac, read.Promisc, read.Mtu, read.Allmulti, read.TxQLen, read.Sysctls.Count),
            Is.EqualTo(("e2:34:6f:37:b0:24", (bool?)false, 1500, (bool?)false, (int?)null, 0)));
    }

    [TestCase("not json")]
    [TestCase("{\"mtu\":\"x\"}")]
    [TestCase("{\"previousSysctls\":{\"/etc/passwd\":\"x\"}}")]
    [TestCase("{\"previousSysctls\":{\"/proc/sys/net/../kernel/x\":\"1\"}}")]
    [TestCase("{\"previousSysctls\":[\"/proc/sys/net/core/somaxconn\"]}")]
    public void AFileGoCouldNotDecodeOrThatNamesAFileOutsideNetIsUnreadable(string json) =>
        Assert.That(TuningBackup.Parse(Encoding.UTF8.GetBytes(json)), Is.Null);

    [Test]
    public void PathIsContainerIdUnderscoreIfnameDotJson() =>
        Assert.That(TuningBackup.PathFor("/run/cni/tuning", "abc", "eth0.5"), Is.EqualTo("/run/cni/tuning/abc_eth0.5.json"));
}
