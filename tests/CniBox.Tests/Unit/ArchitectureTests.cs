using System.Reflection;
using CniBox.Spec;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit;

/// <summary>
/// The layers of issue 11, checked on the compiled product (cnibox.dll) rather than its text: Netlink knows nothing of
/// CNI, Spec uses nothing else of ours (bar the neutral Interop), Ipam does not reach into the applets.
/// </summary>
public class ArchitectureTests
{
    /// <summary>A type under <paramref name="Layer"/> may not refer to a type under any of <paramref name="MayNotUse"/>, unless it is under one of <paramref name="Except"/>.</summary>
    public sealed record LayerRule(string Layer, string[] MayNotUse, string[]? Except = null)
    {
        public bool Forbids(TypeReference r) =>
            Under(r.Type.Namespace, Layer) && MayNotUse.Any(n => Under(r.Referenced.Namespace, n)) &&
            !(Except ?? []).Any(n => Under(r.Referenced.Namespace, n));
    }

    public static readonly LayerRule[] Rules =
    [
        new("CniBox.Netlink", MayNotUse: ["CniBox.Spec", "CniBox.Ipam", "CniBox.Applets"]),
        new("CniBox.Spec", MayNotUse: ["CniBox"], Except: ["CniBox.Spec", "CniBox.Interop"]),
        new("CniBox.Interop", MayNotUse: ["CniBox"], Except: ["CniBox.Interop"]),
        new("CniBox.Ipam", MayNotUse: ["CniBox.Applets"]),
    ];

    /// <summary>Where product code may live; a namespace outside these would escape every rule.</summary>
    private static readonly string[] Layers = ["CniBox.Netlink", "CniBox.Spec", "CniBox.Interop", "CniBox.Ipam", "CniBox.Applets"];

    private static readonly Assembly Product = typeof(CniException).Assembly;

    /// <summary>Every "Type -> ReferencedType" in <paramref name="assembly"/> that a rule forbids, sorted.</summary>
    public static List<string> Violations(Assembly assembly) =>
        TypeReferences.Of(assembly).Where(r => Rules.Any(rule => rule.Forbids(r))).Select(r => r.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();

    [Test]
    public void TheProductKeepsItsLayers()
    {
        Assert.That(Product.GetName().Name, Is.EqualTo("cnibox"));
        var violations = Violations(Product);
        Assert.That(violations, Is.Empty, "layer violations:\n" + string.Join("\n", violations));
    }

    [Test]
    public void EveryProductTypeOfOursIsInALayer()
    {
        var outside = TypeReferences.Of(Product).Select(r => r.Type)
            .Where(t => Under(t.Namespace, "CniBox") && !Layers.Any(l => Under(t.Namespace, l)))
            .Select(t => t.FullName).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.That(outside, Is.Empty);
    }

    /// <summary>The same checker over this test assembly finds exactly the violations planted in PlantedLayerViolations.cs.</summary>
    [Test]
    public void TheCheckerReportsEachPlantedViolation()
    {
        Assert.That(Violations(typeof(ArchitectureTests).Assembly), Is.EqualTo(new[]
        {
            "CniBox.Interop.PlantedViolation.InteropFieldPlant -> CniBox.Spec.Addressing.IpAddr",
            "CniBox.Ipam.PlantedViolation.IpamLocalPlant -> CniBox.Applets.Common.IpMasqConfig",
            "CniBox.Netlink.PlantedViolation.NetlinkLambdaPlant+<>c -> CniBox.Applets.Common.Sha512",
            "CniBox.Netlink.PlantedViolation.NetlinkSignaturePlant -> CniBox.Spec.Addressing.IpAddr",
            "CniBox.Netlink.PlantedViolation.NetlinkTypeofPlant -> CniBox.Ipam.HostLocal.IpRange",
            "CniBox.Spec.PlantedViolation.SpecAttributePlant -> CniBox.Netlink.Netfilter.NftBatch",
        }));
    }

    private static bool Under(string ns, string root) => ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal);
}
