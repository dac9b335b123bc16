// PLANTED FIXTURE. These types break the layer rules on purpose, so that ArchitectureTests can prove its checker
// finds each kind of reference (signature, lambda body, typeof, attribute argument, field, local) and honours the
// Interop exception. They live in the test assembly only; the product check reads cnibox.dll alone. Use none of them.
using System.Diagnostics;
using System.Text;
using CniBox.Applets.Common;
using CniBox.Interop.PlantedViolation;
using CniBox.Ipam.HostLocal;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;

namespace CniBox.Netlink.PlantedViolation
{
    /// <summary>Netlink -> Spec in a method signature.</summary>
    internal static class NetlinkSignaturePlant
    {
        public static bool IsV4(IpAddr ip) => ip.IsV4;
    }

    /// <summary>Netlink -> Applets only inside a lambda, i.e. in the compiler-generated <c>&lt;&gt;c</c>.</summary>
    internal static class NetlinkLambdaPlant
    {
        public static Func<string, byte[]> Hasher() => s => Sha512.Hash(Encoding.UTF8.GetBytes(s));
    }

    /// <summary>Netlink -> Ipam through an IL token alone.</summary>
    internal static class NetlinkTypeofPlant
    {
        public static Type Target() => typeof(IpRange);
    }
}

namespace CniBox.Spec.PlantedViolation
{
    /// <summary>Spec -> Netlink in an attribute's typeof argument.</summary>
    [DebuggerTypeProxy(typeof(NftBatch))]
    internal sealed class SpecAttributePlant;

    /// <summary>Spec -> Interop is allowed: the checker must not report it.</summary>
    internal static class SpecUsesInteropPlant
    {
        public static void Touch() => InteropFieldPlant.Last = null;
    }
}

namespace CniBox.Interop.PlantedViolation
{
    /// <summary>Interop -> Spec in a field type.</summary>
    internal static class InteropFieldPlant
    {
        public static IpAddr? Last;
    }
}

namespace CniBox.Ipam.PlantedViolation
{
    /// <summary>Ipam -> Applets in a local variable and a member call.</summary>
    internal static class IpamLocalPlant
    {
        public static bool UsesIptables()
        {
            IpMasqConfig config = default;
            return config.UsesIptables;
        }
    }
}
