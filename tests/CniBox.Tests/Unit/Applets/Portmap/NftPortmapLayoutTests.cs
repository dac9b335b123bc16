using System.Buffers.Binary;
using CniBox.Applets.Portmap;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;
using CniBox.Tests.Unit.Netlink.Netfilter;

namespace CniBox.Tests.Unit.Applets.Portmap;

/// <summary>The batch an ADD sends, message by message, against nft 1.0.6's bytes for the same rules.</summary>
public class NftPortmapLayoutTests
{
    private static PortmapPlan Plan(bool masqAll = false, params PortMapping[] mappings) =>
        new("net", "c1", IpNet.Parse("10.199.101.2/24"), IpNet.Parse("fd99:0:101::2/64"), mappings, Snat: true, MasqAll: masqAll,
            MarkMasqBit: 13, ExternalSetMarkChain: null, ConditionsV4: null, ConditionsV6: null);

    /// <summary>The messages of the sealed batch with nft's framing (seq 1, no NLM_F_ACK), keyed by description.</summary>
    private static List<(string Description, byte[] Bytes)> Messages(NftBatch batch)
    {
        var datagram = batch.Seal(0);
        var descriptions = batch.Descriptions.ToList();
        var list = new List<(string, byte[])>();
        var offset = 0;
        for (var i = -1; offset < datagram.Length; i++)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(offset));
            if (i >= 0 && i < descriptions.Count)
            {
                var bytes = datagram.AsSpan(offset, length).ToArray();
                bytes[6] &= unchecked((byte)~0x04);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);
                list.Add((descriptions[i], bytes));
            }
            offset += (length + 3) & ~3;
        }
        return list;
    }

    private static byte[] Only(NftBatch batch, string description) => Messages(batch).Single(m => m.Description == description).Bytes;

    [Test]
    public void TheV4BatchCarriesUpstreamsRulesAndOurs()
    {
        var batch = NftPortmapLayout.Build(Plan(false, new PortMapping(8083, 83, "udp", IpAddr.Parse("10.199.100.1"))),
            IpNet.Parse("10.199.101.2/24"), []);
        var rules = Messages(batch).Where(m => m.Description.StartsWith("add rule", StringComparison.Ordinal)).ToList();
        Assert.That(rules.Single(r => r.Description == "add rule ip cni_hostport prerouting").Bytes, Is.EqualTo(PortmapNftCaptures.FibLocalJump));
        Assert.That(Only(batch, "add rule ip cni_hostport hostports comment \"c1\""), Is.EqualTo(PortmapNftCaptures.HostIpUdpDnat));
        Assert.That(Only(batch, "add rule ip cni_hostport localnet_guard"), Is.EqualTo(PortmapNftCaptures.LocalnetGuard));
        var masquerades = rules.Where(r => r.Description == "add rule ip cni_hostport masquerading comment \"c1\"").ToList();
        Assert.That(masquerades, Has.Count.EqualTo(3), "hairpin, localhost, subnet of DNAT'd flows");
        Assert.That(masquerades[2].Bytes, Is.EqualTo(PortmapNftCaptures.SubnetDnatMasq));
        Assert.That(batch.Descriptions, Is.EqualTo(new[]
        {
            "add table ip cni_hostport", "add chain ip cni_hostport hostports", "add chain ip cni_hostport hostip_hostports",
            "add chain ip cni_hostport hostports_all", "flush chain ip cni_hostport hostports_all",
            "add rule ip cni_hostport hostports_all", "add rule ip cni_hostport hostports_all",
            "add chain ip cni_hostport prerouting", "flush chain ip cni_hostport prerouting", "add rule ip cni_hostport prerouting",
            "add chain ip cni_hostport output", "flush chain ip cni_hostport output", "add rule ip cni_hostport output",
            "add chain ip cni_hostport masquerading",
            "add chain ip cni_hostport localnet_guard", "flush chain ip cni_hostport localnet_guard", "add rule ip cni_hostport localnet_guard",
            "add rule ip cni_hostport hostports comment \"c1\"",
            "add rule ip cni_hostport masquerading comment \"c1\"", "add rule ip cni_hostport masquerading comment \"c1\"",
            "add rule ip cni_hostport masquerading comment \"c1\"",
        }));
    }

    [Test]
    public void MasqAllMasqueradesAnySourceAndNothingElse()
    {
        var batch = NftPortmapLayout.Build(Plan(true, new PortMapping(80, 80, "tcp", null)), IpNet.Parse("10.199.101.2/24"), []);
        var masquerades = Messages(batch).Where(m => m.Description == "add rule ip cni_hostport masquerading comment \"c1\"").ToList();
        Assert.That(masquerades.Select(m => m.Bytes), Is.EqualTo(new[] { PortmapNftCaptures.MasqAnySource }));
    }

    [Test]
    public void TheV6BatchSkipsV4HostIpsAndHasNoGuard()
    {
        var batch = NftPortmapLayout.Build(Plan(false, new PortMapping(8080, 80, "tcp", null), new PortMapping(9, 9, "tcp", IpAddr.Parse("10.0.0.1"))),
            IpNet.Parse("fd99:0:101::2/64"), []);
        Assert.That(Only(batch, "add rule ip6 cni_hostport hostports comment \"c1\""), Is.EqualTo(PortmapNftCaptures.Dnat6));
        Assert.That(batch.Descriptions.Any(d => d.Contains("localnet_guard")), Is.False);
        Assert.That(NftPortmapLayout.Expected(Plan(false, new PortMapping(8080, 80, "tcp", null)), v6: true), Is.EqualTo((1, 2)));
    }
}
