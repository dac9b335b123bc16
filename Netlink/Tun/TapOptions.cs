namespace CniBox.Netlink.Tun;

/// <summary>
/// A persistent tap as <c>ip tuntap add mode tap name NAME [multi_queue] [user U] [group G] vnet_hdr</c> makes it.
/// Null <see cref="Owner"/> / <see cref="Group"/> leave the device usable by any process with CAP_NET_ADMIN only.
/// </summary>
public sealed record TapOptions(string Name)
{
    public bool MultiQueue { get; init; }
    public uint? Owner { get; init; }
    public uint? Group { get; init; }
}
