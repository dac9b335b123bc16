using CniBox.Applets.Common.Chained;
using CniBox.Spec.Results;

namespace CniBox.Tests.Unit.Applets.Common.Chained;

/// <summary>Which prevResult interface and addresses are the container's (portmap's parseConfig rules).</summary>
public class SandboxInterfaceTests
{
    private static CniResult Result(params IpConfig[] ips) => new()
    {
        Interfaces =
        [
            new ResultInterface { Name = "cni0" },
            new ResultInterface { Name = "veth1" },
            new ResultInterface { Name = "eth0", Sandbox = "/var/run/netns/x" },
            new ResultInterface { Name = "eth1", Sandbox = "/var/run/netns/x" },
        ],
        Ips = [.. ips],
    };

    private static IpConfig Ip(string address, int? index) => new() { Address = address, Interface = index };

    private static (string?, string?) Picked(CniResult result, string ifName = "eth0")
    {
        var picked = SandboxInterface.Addresses(result, ifName);
        return (picked.V4?.ToString(), picked.V6?.ToString());
    }

    [Test]
    public void TheFirstAddressOfEachFamilyOnTheInterfaceIsTaken() =>
        Assert.That(Picked(Result(Ip("10.199.0.2/24", 2), Ip("10.199.1.2/24", 2), Ip("fd99::2/64", 2), Ip("fd99:1::2/64", 2))),
            Is.EqualTo(("10.199.0.2/24", "fd99::2/64")));

    [Test]
    public void AddressesOfOtherInterfacesAreSkipped() =>
        Assert.That(Picked(Result(Ip("10.199.9.1/24", 0), Ip("10.199.8.1/24", 3), Ip("fd99:9::1/64", 1), Ip("10.199.0.2/24", 2))),
            Is.EqualTo(("10.199.0.2/24", (string?)null)));

    [Test]
    public void AnInterfaceWithTheNameButNoSandboxIsNotTheContainers()
    {
        var result = Result(Ip("10.199.0.2/24", 0));
        result.Interfaces[0].Name = "eth0";
        Assert.That(Picked(result), Is.EqualTo(((string?)null, (string?)null)));
    }

    [TestCase(null)]
    [TestCase(-1)]
    [TestCase(4)]
    [TestCase(99)]
    public void AnAddressWithoutAValidInterfaceIndexIsTaken(int? index) =>
        Assert.That(Picked(Result(Ip("10.199.0.2/24", index), Ip("10.199.1.2/24", 2))), Is.EqualTo(("10.199.0.2/24", (string?)null)));

    [Test]
    public void FindReturnsTheNamedInterfaceWithASandbox()
    {
        var result = Result();
        result.Interfaces.Insert(0, new ResultInterface { Name = "eth1" });
        Assert.That(SandboxInterface.Find(result, "eth1"), Is.EqualTo((4, result.Interfaces[4])));
        Assert.That(SandboxInterface.Find(result, "veth1"), Is.Null, "a host interface is not the sandbox's");
        Assert.That(SandboxInterface.Find(result, "eth9"), Is.Null);
    }
}
