namespace CniBox.Netlink.Links;

/// <summary>
/// What the kernel says about a link of one kind (IFLA_INFO_DATA, decoded per IFLA_INFO_KIND), so CHECK can
/// compare it with what ADD created. Kinds without data of interest (ifb, lo) have none.
/// </summary>
public abstract record LinkKindData;
