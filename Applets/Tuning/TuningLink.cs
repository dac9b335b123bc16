using CniBox.Applets.Common;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.Tuning;

/// <summary>The link attributes tuning sets on ADD and puts back on DEL, over our rtnetlink handle.</summary>
public static class TuningLink
{
    /// <summary>ADD's changes in Go's order: MAC, promisc on, MTU, all-multicast, txqueuelen.</summary>
    public static void Apply(RtnlHandle rtnl, LinkInfo link, TuningConfig config, byte[]? mac)
    {
        var name = GoText.Quote(link.Name);
        if (mac is not null)
            Set(() => rtnl.SetLinkAddress(link.Index, mac), $"failed to set MAC address of {name} to {config.Mac}");
        if (config.Promisc)
            Set(() => rtnl.SetLinkPromisc(link.Index, true), $"failed to set promiscuous mode of {name}");
        if (config.Mtu != 0)
            Set(() => rtnl.SetLinkMtu(link.Index, config.Mtu), $"failed to set MTU of {name} to {config.Mtu}");
        if (config.Allmulti is { } allmulti)
            Set(() => rtnl.SetLinkAllmulti(link.Index, allmulti), $"failed to set all-multicast mode of {name} to {Go(allmulti)}");
        if (config.TxQLen is { } txQLen)
            Set(() => rtnl.SetLinkTxQueueLen(link.Index, txQLen), $"failed to set transmit queue length of {name} to {txQLen}");
    }

    /// <summary>
    /// Go's restoreBackup: MTU, MAC, promisc, all-multicast, txqueuelen, each tried; the failures, in Go's words.
    /// </summary>
    public static List<string> Restore(RtnlHandle rtnl, int index, TuningBackup backup)
    {
        var errors = new List<string>();
        if (backup.Mtu != 0) Try(errors, "failed to restore MTU", () => rtnl.SetLinkMtu(index, backup.Mtu));
        if (backup.Mac.Length > 0)
        {
            Try(errors, "failed to restore MAC address", () =>
            {
                var mac = GoMac.TryParse(backup.Mac)
                    ?? throw new CniException(ErrorCode.Internal, $"invalid args {backup.Mac} for MAC addr: {GoMac.InvalidText(backup.Mac)}");
                rtnl.SetLinkAddress(index, mac);
            });
        }
        if (backup.Promisc is { } promisc) Try(errors, "failed to restore promiscuous mode", () => rtnl.SetLinkPromisc(index, promisc));
        if (backup.Allmulti is { } allmulti) Try(errors, "failed to restore all-multicast mode", () => rtnl.SetLinkAllmulti(index, allmulti));
        if (backup.TxQLen is { } txQLen) Try(errors, "failed to restore transmit queue length", () => rtnl.SetLinkTxQueueLen(index, txQLen));
        return errors;
    }

    public static string Go(bool value) => value ? "true" : "false";

    private static void Set(Action change, string what)
    {
        try
        {
            change();
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"{what}: {e.Message}");
        }
    }

    private static void Try(List<string> errors, string what, Action change)
    {
        try
        {
            change();
        }
        catch (Exception e) when (e is NetlinkException or CniException)
        {
            errors.Add($"{what}: {(e is CniException c ? c.Msg : e.Message)}");
        }
    }
}
