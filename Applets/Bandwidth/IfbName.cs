using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Links;

namespace CniBox.Applets.Bandwidth;

/// <summary>
/// The egress ifb's name, as Go names it (<c>bwp</c> + sha512(network name + container ID), 15 characters), and
/// the IFLA_IFALIAS cnibox adds so GC can tell which ifbs are this network's: Go's name is a hash, so the alias
/// records the container ID, and an ifb is this network's when hashing the network's name with that ID gives back
/// its name. Go's own ifbs carry no alias; GC leaves them.
/// </summary>
public static class IfbName
{
    public const string Prefix = "bwp";

    /// <summary>The alias is this prefix and the container ID: <c>cnibox-bandwidth:ID</c>.</summary>
    public const string AliasPrefix = "cnibox-bandwidth:";

    public static string For(string networkName, string containerId) =>
        GoNames.HashWithPrefix(LinkMessages.MaxNameBytes, Prefix, networkName + containerId);

    /// <summary>The alias for <paramref name="containerId"/>, or null when it would not fit IFLA_IFALIAS.</summary>
    public static string? Alias(string containerId)
    {
        var alias = AliasPrefix + containerId;
        return System.Text.Encoding.UTF8.GetByteCount(alias) < LinkMessages.MaxAliasBytes ? alias : null;
    }

    /// <summary>The container ID of an ifb of <paramref name="networkName"/> created by cnibox; null for any other link.</summary>
    public static string? OwnedContainer(LinkInfo link, string networkName)
    {
        if (link.Kind != LinkMessages.IfbKind || !link.Name.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        if (link.Alias is not { } alias || !alias.StartsWith(AliasPrefix, StringComparison.Ordinal)) return null;
        var containerId = alias[AliasPrefix.Length..];
        return For(networkName, containerId) == link.Name ? containerId : null;
    }
}
