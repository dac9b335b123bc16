using System.Net;
using System.Net.Sockets;
using System.Text;
using CniBox.Applets.Common;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using Serilog;

namespace CniBox.Applets.HostDevice;

/// <summary>
/// What the node loses when its device moves into a container, kept for DEL (ours only; Go brings the device back
/// down and without addresses): whether it was up, and its permanent addresses other than IPv6 link-local (without a
/// broadcast: the dump does not keep one), which the kernel drops on every netns move. One file per attachment, <c>/run/cni/host-device/&lt;cid&gt;_&lt;ifname&gt;</c>:
/// the line "up" or "down", then one "address/prefix [flags]" per line (the IFA_F_* flags one sets, decimal). Without the file (a Go ADD) DEL restores nothing more.
/// </summary>
public sealed record HostDeviceRecord(bool Up, IReadOnlyList<(IPAddress Address, int Prefix, uint Flags)> Addresses)
{
    public const string DefaultDir = "/run/cni/host-device";

    /// <summary>The address flags one sets (<c>ip addr add ... nodad noprefixroute</c> ...).</summary>
    private const uint SettableFlags =
        Ifa.IFA_F_NODAD | Ifa.IFA_F_HOMEADDRESS | Ifa.IFA_F_MANAGETEMPADDR | Ifa.IFA_F_NOPREFIXROUTE | Ifa.IFA_F_MCAUTOJOIN;

    public static string PathFor(string dir, string containerId, string ifName) =>
        Path.Combine(dir, NetworkStateDir.SafeName($"{containerId}_{ifName}"));

    /// <summary>The node-side state of <paramref name="device"/> before it moves.</summary>
    public static HostDeviceRecord Of(RtnlHandle host, LinkInfo device) => new(device.IsUp,
        [.. host.DumpAddresses(index: device.Index)
            .Where(a => (a.Flags & Ifa.IFA_F_PERMANENT) != 0 && !(a.Family == AddressFamily.InterNetworkV6 && a.Address.IsIPv6LinkLocal))
            .Select(a => (a.Address, a.PrefixLength, a.Flags & SettableFlags))]);

    public void Write(string path) =>
        NetworkStateDir.Write(Path.GetDirectoryName(path)!, () =>
            NetworkStateDir.WriteFile(path, Encoding.UTF8.GetBytes(string.Join('\n',
                [Up ? "up" : "down", .. Addresses.Select(a => $"{a.Address}/{a.Prefix}" + (a.Flags == 0 ? "" : $" {a.Flags}"))]) + "\n")));

    /// <summary>Removes the record and, with its last one, the directory; a record already gone is fine.</summary>
    public static void Delete(string path)
    {
        if (File.Exists(path)) File.Delete(path);
        NetworkStateDir.RemoveIfEmpty(Path.GetDirectoryName(path)!);
    }

    /// <summary>The record at <paramref name="path"/>, null when there is none or it cannot be read as one.</summary>
    public static HostDeviceRecord? Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (lines.Length == 0 || lines[0] is not ("up" or "down")) return null;
        var addresses = new List<(IPAddress, int, uint)>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ');
            var slash = fields[0].IndexOf('/');
            uint flags = 0;
            if (fields.Length > 2 || slash < 0 || !IPAddress.TryParse(fields[0][..slash], out var ip) || !int.TryParse(fields[0][(slash + 1)..], out var prefix)
                || prefix < 0 || prefix > (ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
                || (fields.Length == 2 && !uint.TryParse(fields[1], out flags)))
                return null;
            addresses.Add((ip, prefix, flags & SettableFlags));
        }
        return new HostDeviceRecord(lines[0] == "up", addresses);
    }

    /// <summary>Puts the addresses back on the device named <paramref name="name"/> in the node and sets it up if it was; each step best-effort.</summary>
    public void Restore(RtnlHandle host, string name, ILogger log)
    {
        if (host.GetLink(name) is not { } device) return;
        foreach (var (address, prefix, flags) in Addresses)
            Rollback.Run(log, $"restore {address}/{prefix} on {name}", () => host.AddAddress(new AddrSpec(device.Index, address, prefix) { Flags = flags }));
        if (Up) Rollback.Run(log, $"set {name} up", () => host.SetLinkUp(device.Index));
    }
}
