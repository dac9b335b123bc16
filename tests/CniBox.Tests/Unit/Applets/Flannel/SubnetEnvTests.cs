using CniBox.Applets.Flannel;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Applets.Flannel;

/// <summary>subnet.env as flannel's loadFlannelSubnetEnv reads it, and its error texts.</summary>
public class SubnetEnvTests
{
    private const string Path = "/run/flannel/subnet.env";

    [Test]
    public void FlanneldsFileGivesNetworksSubnetMtuAndMasquerade()
    {
        var env = SubnetEnv.Parse("FLANNEL_NETWORK=10.199.64.0/18\nFLANNEL_SUBNET=10.199.64.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n", Path);
        Assert.That((string.Join(",", env.Networks), env.Subnet?.ToString(), env.Mtu, env.IpMasq, env.Ipv6Subnet),
            Is.EqualTo(("10.199.64.0/18", "10.199.64.0/24", 1450u, true, (IpNet?)null)));
    }

    [Test]
    public void DualStackCommaListsDuplicatesUnknownKeysAndCrLf()
    {
        var env = SubnetEnv.Parse(
            "# by flanneld\r\nFLANNEL_NETWORK=10.1.0.0/16,192.168.0.0/16,10.1.0.0/16\r\nFLANNEL_SUBNET=10.1.17.1/24\r\n" +
            "FLANNEL_IPV6_NETWORK=fc00::/48\r\nFLANNEL_IPV6_SUBNET=fc00::1/64\r\nFLANNEL_MTU=1472\r\nFLANNEL_IPMASQ=false\r\nOTHER=x", Path);
        Assert.That((string.Join(",", env.Networks), string.Join(",", env.Ipv6Networks), env.Ipv6Subnet?.ToString(), env.IpMasq),
            Is.EqualTo(("10.1.0.0/16,192.168.0.0/16", "fc00::/48", "fc00::/64", false)));
    }

    [Test]
    public void Ipv6OnlyIsEnough()
    {
        var env = SubnetEnv.Parse("FLANNEL_IPV6_NETWORK=fc00::/48\nFLANNEL_IPV6_SUBNET=fc00::1/64\nFLANNEL_MTU=1472\nFLANNEL_IPMASQ=yes\n", Path);
        Assert.That((env.Networks.Count, env.Subnet, env.IpMasq), Is.EqualTo((0, (IpNet?)null, false)));
    }

    [TestCase("foo=bar", "/run/flannel/subnet.env is missing FLANNEL_NETWORK, FLANNEL_IPV6_NETWORK, FLANNEL_SUBNET, FLANNEL_IPV6_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ")]
    [TestCase("FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.17.1/24\nFLANNEL_IPMASQ=true", "/run/flannel/subnet.env is missing FLANNEL_MTU")]
    [TestCase("FLANNEL_IPV6_NETWORK=fc00::/48\nFLANNEL_MTU=1\nFLANNEL_IPMASQ=true", "/run/flannel/subnet.env is missing FLANNEL_SUBNET, FLANNEL_IPV6_SUBNET")]
    [TestCase("FLANNEL_NETWORK=10.1.0.0/33", "invalid CIDR address: 10.1.0.0/33")]
    [TestCase("FLANNEL_NETWORK=10.1.0.0/16,", "invalid CIDR address: ")]
    [TestCase("FLANNEL_SUBNET=10.1.17.1", "invalid CIDR address: 10.1.17.1")]
    [TestCase("FLANNEL_IPV6_SUBNET", "invalid CIDR address: ")]
    [TestCase("FLANNEL_MTU=14x0", "strconv.ParseUint: parsing \"14x0\": invalid syntax")]
    [TestCase("FLANNEL_MTU=-1", "strconv.ParseUint: parsing \"-1\": invalid syntax")]
    [TestCase("FLANNEL_MTU=4294967296", "strconv.ParseUint: parsing \"4294967296\": value out of range")]
    public void BadFilesGetFlannelsMessages(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => SubnetEnv.Parse(text, Path))!;
        Assert.That(e.Message, Is.EqualTo(message));
    }

    [Test]
    public void MissingFileIsGosOpenError()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cbt-fl-absent", "subnet.env");
        Assert.That(Assert.Throws<FormatException>(() => SubnetEnv.Load(path))!.Message,
            Is.EqualTo($"open {path}: no such file or directory"));
    }

    [Test]
    public void EndlessDeviceStopsAtTheScannersLineLimitInsteadOfBeingReadWhole()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(Assert.Throws<FormatException>(() => SubnetEnv.Load("/dev/zero"))!.Message, Is.EqualTo("bufio.Scanner: token too long"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(4 << 20));
    }

    [Test]
    public void ALineAfterAnEarlierErrorIsNeverReached()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cbt-fl-long-{Environment.ProcessId}.env");
        try
        {
            File.WriteAllText(path, "FLANNEL_MTU=x\n" + new string('a', 200_000));
            Assert.That(Assert.Throws<FormatException>(() => SubnetEnv.Load(path))!.Message,
                Is.EqualTo("strconv.ParseUint: parsing \"x\": invalid syntax"));
            File.WriteAllText(path, "FLANNEL_MTU=1\n" + new string('a', 200_000) + "\nFLANNEL_MTU=x\n");
            Assert.That(Assert.Throws<FormatException>(() => SubnetEnv.Load(path))!.Message, Is.EqualTo("bufio.Scanner: token too long"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AFileOfManyShortLinesBeyond16MiBIsRefused()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cbt-fl-huge-{Environment.ProcessId}.env");
        try
        {
            File.WriteAllText(path, new string('\n', (16 << 20) + 1));
            Assert.That(Assert.Throws<FormatException>(() => SubnetEnv.Load(path))!.Message, Is.EqualTo($"{path} is larger than 16 MiB"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
