using CniBox.Netlink.Links;

namespace CniBox.Applets.Common;

/// <summary>
/// Go's <c>net.ParseMAC</c> as the plugins report it: the one parser is <see cref="LinkMessages.TryParseMac"/>
/// (Netlink cannot use Applets); this adds Go's error text.
/// </summary>
public static class GoMac
{
    /// <summary>The bytes (6, 8 or 20), or null where Go says <see cref="InvalidText"/>.</summary>
    public static byte[]? TryParse(string s) => LinkMessages.TryParseMac(s);

    /// <summary>Go's <c>AddrError</c> text for an address ParseMAC refuses.</summary>
    public static string InvalidText(string s) => $"address {s}: invalid MAC address";
}
