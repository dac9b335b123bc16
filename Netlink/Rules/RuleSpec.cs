using System.Net;
using System.Net.Sockets;

namespace CniBox.Netlink.Rules;

/// <summary>
/// A policy routing rule as <c>ip rule</c> spells it: <c>from SRC to DST iif X oif Y fwmark M/MASK table T prio P</c>.
/// Null members are "not given". The action is always "lookup <see cref="Table"/>" (FR_ACT_TO_TBL).
/// </summary>
public sealed record RuleSpec
{
    /// <summary>InterNetwork or InterNetworkV6 (<c>ip -4|-6 rule</c>).</summary>
    public required AddressFamily Family { get; init; }

    /// <summary>FRA_PRIORITY (<c>prio</c>); the kernel picks one below the last rule when null.</summary>
    public uint? Priority { get; init; }

    /// <summary>The table to look up; above 255 it travels in FRA_TABLE. 0 only for deletes that match any table.</summary>
    public uint Table { get; init; }

    /// <summary>FRA_SRC with src_len (<c>from</c>).</summary>
    public IPNetwork? Source { get; init; }

    /// <summary>FRA_DST with dst_len (<c>to</c>).</summary>
    public IPNetwork? Destination { get; init; }

    /// <summary>FRA_IIFNAME (<c>iif</c>).</summary>
    public string? IifName { get; init; }

    /// <summary>FRA_OIFNAME (<c>oif</c>).</summary>
    public string? OifName { get; init; }

    /// <summary>FRA_FWMARK (<c>fwmark</c>).</summary>
    public uint? Fwmark { get; init; }

    /// <summary>FRA_FWMASK (the <c>/MASK</c> of fwmark).</summary>
    public uint? FwMask { get; init; }

    public override string ToString() =>
        $"{(Priority is { } p ? $"{p}: " : "")}from {Source?.ToString() ?? "all"}{(Destination is { } d ? $" to {d}" : "")}"
        + $"{(IifName is null ? "" : $" iif {IifName}")}{(OifName is null ? "" : $" oif {OifName}")}"
        + $"{(Fwmark is { } m ? $" fwmark 0x{m:x}" + (FwMask is { } k ? $"/0x{k:x}" : "") : "")} lookup {Table}";
}
