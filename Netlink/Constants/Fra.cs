namespace CniBox.Netlink.Constants;

/// <summary>Policy routing rule attributes and actions from <c>linux/fib_rules.h</c>.</summary>
public static class Fra
{
    public const ushort FRA_DST = 1;
    public const ushort FRA_SRC = 2;
    public const ushort FRA_IIFNAME = 3;
    public const ushort FRA_PRIORITY = 6;
    public const ushort FRA_FWMARK = 10;
    public const ushort FRA_TABLE = 15;
    public const ushort FRA_FWMASK = 16;
    public const ushort FRA_OIFNAME = 17;
    public const ushort FRA_PROTOCOL = 21;

    public const byte FR_ACT_UNSPEC = 0;
    public const byte FR_ACT_TO_TBL = 1;
}
