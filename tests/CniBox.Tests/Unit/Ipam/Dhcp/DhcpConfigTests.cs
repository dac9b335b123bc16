using System.Text;
using CniBox.Ipam.Dhcp;
using CniBox.Ipam.Dhcp.Daemon;
using CniBox.Ipam.Dhcp.Protocol;
using CniBox.Ipam.Dhcp.Rpc;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Ipam.Dhcp;

/// <summary>The dhcp keys as podman and nerdctl write them, the wire protocol to the daemon, and the lease file.</summary>
public sealed class DhcpConfigTests
{
    private static DhcpConfig Parse(string ipam, string? args = null) =>
        DhcpConfig.Parse(Encoding.UTF8.GetBytes($"{{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"macvlan\",\"ipam\":{ipam}}}"), args);

    [Test]
    public void PodmansBareConfigUsesTheDefaultSocketAndRequestList()
    {
        var config = Parse("{\"type\":\"dhcp\"}");
        Assert.That(config.SocketPath, Is.EqualTo("/run/cni/dhcp.sock"));
        Assert.That(config.Requested, Is.EqualTo(DhcpConfig.DefaultRequested));
        Assert.That(config.Provided, Is.Empty);
        Assert.That(config.Name, Is.EqualTo("net1"));
    }

    [Test]
    public void NerdctlsDaemonSocketPathAndProvideFromArg()
    {
        var config = Parse("{\"type\":\"dhcp\",\"daemonSocketPath\":\"/run/x.sock\",\"provide\":[{\"option\":\"host-name\",\"fromArg\":\"NERDCTL_CNI_DHCP_HOSTNAME\"}]}",
            "IgnoreUnknown=1;NERDCTL_CNI_DHCP_HOSTNAME=web1");
        Assert.That(config.SocketPath, Is.EqualTo("/run/x.sock"));
        Assert.That(config.Provided.Single().Code, Is.EqualTo(12));
        Assert.That(config.Provided.Single().Value, Is.EqualTo("web1"u8.ToArray()));
    }

    [Test]
    public void FromArgMissingInCniArgsProvidesNothing() =>
        Assert.That(Parse("{\"type\":\"dhcp\",\"provide\":[{\"option\":\"12\",\"fromArg\":\"HOST\"}]}", "IgnoreUnknown=1").Provided, Is.Empty);

    [Test]
    public void RequestWithSkipDefaultAsksOnlyForTheListedOptions()
    {
        var config = Parse("{\"type\":\"dhcp\",\"request\":[{\"option\":\"classless-static-routes\",\"skipDefault\":true},{\"option\":\"42\"}]}");
        Assert.That(config.Requested, Is.EqualTo(new byte[] { 121, 42 }));
    }

    [Test]
    public void RequestWithoutSkipDefaultAddsToTheDefaults()
    {
        var config = Parse("{\"type\":\"dhcp\",\"request\":[{\"option\":\"ntp-servers\"}],\"priority\":5}");
        Assert.That(config.Requested, Is.EqualTo(DhcpConfig.DefaultRequested.Append((byte)42)));
        Assert.That(config.Priority, Is.EqualTo(5));
    }

    [Test]
    public void AnOptionNumberOutOfRangeIsAConfigError()
    {
        var e = Assert.Throws<CniException>(() => Parse("{\"type\":\"dhcp\",\"request\":[{\"option\":\"255\"}]}"))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCode.InvalidNetworkConfig));
    }

    [Test]
    public void ClientIdIsGosContainerNetworkIfname()
    {
        Assert.That(LeaseManager.ClientId("abc", "net1", "eth0"), Is.EqualTo("abc/net1/eth0"));
        Assert.That(LeaseManager.ClientId(new string('a', 300), "n", "eth0"), Has.Length.EqualTo(254));
    }

    [Test]
    public void RequestAndReplyLinesRoundTrip()
    {
        var request = new DaemonRequest("ADD", "c1", "/var/run/netns/x", "eth0", "IgnoreUnknown=1", "{\"name\":\"n\"}");
        var line = request.ToLine();
        Assert.That(line[^1], Is.EqualTo((byte)'\n'));
        Assert.That(Encoding.UTF8.GetString(line), Does.StartWith("{\"v\":1,\"command\":\"ADD\",\"containerId\":\"c1\""));
        Assert.That(DaemonRequest.Parse(line.AsSpan(0, line.Length - 1)), Is.EqualTo(request));

        var error = DaemonReply.Parse(DaemonReply.Fail(7, "bad").ToLine().AsSpan()[..^1]);
        Assert.That((error.ErrorCode, error.ErrorMessage), Is.EqualTo((7, "bad")));
        var ok = DaemonReply.Parse(DaemonReply.Ok("{\"cniVersion\":\"1.1.0\"}").ToLine().AsSpan()[..^1]);
        Assert.That(ok.ResultJson, Is.EqualTo("{\"cniVersion\":\"1.1.0\"}"));
    }

    [Test]
    public void ARequestOfAnotherVersionIsRefused() =>
        Assert.Throws<FormatException>(() => DaemonRequest.Parse("{\"v\":2,\"command\":\"ADD\"}"u8));

    [Test]
    public void LeaseRecordRoundTrips()
    {
        var options = new DhcpOptions();
        options.Set(DhcpOptionCode.Router, System.Net.IPAddress.Parse("10.199.253.1"));
        var lease = new DhcpLease
        {
            Address = System.Net.IPAddress.Parse("10.199.253.9"), PrefixLength = 24, Server = System.Net.IPAddress.Parse("10.199.253.1"),
            ServerMac = [2, 0, 0, 0, 0, 9], AcquiredAt = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123),
            Duration = TimeSpan.FromMinutes(2), RenewAfter = TimeSpan.FromMinutes(1), RebindAfter = TimeSpan.FromSeconds(105), Options = options,
        };
        var record = new LeaseRecord("c/n/eth0", "/var/run/netns/x", "eth0", new ClientIdentity("c/n/eth0"u8.ToArray(), [1, 3], [(12, "h"u8.ToArray())]), 7, lease);
        var back = LeaseRecord.Parse(record.ToJson());
        Assert.That((back.ClientId, back.Netns, back.IfName, back.Priority), Is.EqualTo((record.ClientId, record.Netns, record.IfName, 7)));
        Assert.That(back.Identity.Requested, Is.EqualTo(new byte[] { 1, 3 }));
        Assert.That(back.Identity.ClientId, Is.EqualTo(new byte[] { 0 }.Concat("c/n/eth0"u8.ToArray())), "Go's option 61: type 0, then the ID");
        Assert.That(back.Identity.Provided.Single().Value, Is.EqualTo("h"u8.ToArray()));
        Assert.That(back.Lease with { Options = options }, Is.EqualTo(lease with { ServerMac = back.Lease.ServerMac }));
        Assert.That(back.Lease.Options.Address(DhcpOptionCode.Router), Is.EqualTo(lease.Options.Address(DhcpOptionCode.Router)));
        Assert.That(record.FileName, Is.EqualTo("632f6e2f65746830.json"));
    }
}
