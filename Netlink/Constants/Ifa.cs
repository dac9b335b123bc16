namespace CniBox.Netlink.Constants;

/// <summary>Address attributes and flags from <c>linux/if_addr.h</c>.</summary>
public static class Ifa
{
    public const ushort IFA_ADDRESS = 1;
    public const ushort IFA_LOCAL = 2;
    public const ushort IFA_LABEL = 3;
    public const ushort IFA_BROADCAST = 4;
    public const ushort IFA_CACHEINFO = 6;
    public const ushort IFA_FLAGS = 8;

    public const uint IFA_F_SECONDARY = 0x01;
    public const uint IFA_F_NODAD = 0x02;
    public const uint IFA_F_OPTIMISTIC = 0x04;
    public const uint IFA_F_DADFAILED = 0x08;
    public const uint IFA_F_HOMEADDRESS = 0x10;
    public const uint IFA_F_TENTATIVE = 0x40;
    public const uint IFA_F_PERMANENT = 0x80;
    public const uint IFA_F_MANAGETEMPADDR = 0x100;
    public const uint IFA_F_NOPREFIXROUTE = 0x200;
    public const uint IFA_F_MCAUTOJOIN = 0x400;
}
