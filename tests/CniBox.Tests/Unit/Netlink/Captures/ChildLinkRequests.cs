namespace CniBox.Tests.Unit.Netlink.Captures;

/// <summary>
/// RTM_NEWLINK requests iproute2 6.1 sent, captured with <c>strace -f -xx -e trace=sendmsg -e write=3 ip link add ...</c>
/// in a throwaway netns (cbt-mv-probe) whose veth cbtmvp is ifindex 3; <c>netns cbt-mv-probe2</c> became fd 4.
/// This kernel has no ipvlan, vlan or dummy: the request is complete before the kernel answers EOPNOTSUPP
/// "Unknown device type". Every capture has seq 1796132560 (0x6b0eced0).
/// </summary>
internal static class ChildLinkRequests
{
    public const uint Seq = 1796132560;
    public const int ParentIndex = 3;
    public const int NetnsFd = 4;

    /// <summary><c>ip link add cbtmv1 link cbtmvp mtu 1400 netns cbt-mv-probe2 type ipvlan mode l3</c></summary>
    public const string IpvlanL3 =
        "6800000010000506d0ce0e6b0000000000000000000000000000000000000000080004007805000008001c000400000008000500030000000b0003006362746d76310000240012000a0001006970766c616e00001400020006000100010000000600020000000000";

    /// <summary><c>ip link add cbtmv1 link cbtmvp type ipvlan mode l3s</c></summary>
    public const string IpvlanL3s =
        "5800000010000506d0ce0e6b000000000000000000000000000000000000000008000500030000000b0003006362746d76310000240012000a0001006970766c616e00001400020006000100020000000600020000000000";

    /// <summary><c>ip link add cbtmv2 link cbtmvp mtu 1400 netns cbt-mv-probe2 type vlan id 100</c></summary>
    public const string Vlan100 =
        "5c00000010000506d0ce0e6b0000000000000000000000000000000000000000080004007805000008001c000400000008000500030000000b0003006362746d763200001800120008000100766c616e0c0002000600010064000000";

    /// <summary><c>ip link add cbtmv3 netns cbt-mv-probe2 type dummy</c></summary>
    public const string Dummy =
        "4400000010000506d0ce0e6b000000000000000000000000000000000000000008001c00040000000b0003006362746d76330000100012000900010064756d6d79000000";

    /// <summary>
    /// <c>ip link add cbtmv4 link cbtmvp mtu 1400 address 02:42:ac:11:00:05 netns cbt-mv-probe2 type macvlan mode source
    /// bcqueuelen 2000</c> (this one the kernel accepted).
    /// </summary>
    public const string MacvlanSource =
        "7400000010000506d0ce0e6b000000000000000000000000000000000000000008000400780500000a0001000242ac110005000008001c000400000008000500030000000b0003006362746d76340000240012000b0001006d6163766c616e001400020008000700d00700000800010010000000";

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);
}
