namespace CniBox.Netlink.Netfilter;

/// <summary>The family of an nf_tables table (NFPROTO_*), as in <c>nft add table inet|ip|ip6|bridge ...</c>.</summary>
public enum NftFamily : byte
{
    Inet = 1,
    Ip = 2,
    Arp = 3,
    Netdev = 5,
    Bridge = 7,
    Ip6 = 10,
}
