using System.Buffers.Binary;
using static CniBox.Netlink.Constants.Tca;

namespace CniBox.Netlink.TrafficControl;

/// <summary>The tcmsg handle fields as <c>tc</c> spells them (<c>handle 1:</c>, <c>prio 1 protocol all</c>), after linux/pkt_sched.h's TC_H_* macros.</summary>
public static class TcHandle
{
    /// <summary>TC_H_MAKE: major in the high 16 bits, minor in the low 16.</summary>
    public static uint Make(ushort major, ushort minor) => ((uint)major << 16) | minor;

    public static ushort Major(uint handle) => (ushort)((handle & TC_H_MAJ_MASK) >> 16);

    public static ushort Minor(uint handle) => (ushort)(handle & TC_H_MIN_MASK);

    /// <summary>tcm_info of a filter: <c>prio P protocol PROTO</c>, the protocol (ETH_P_ALL 0x0003, ETH_P_IP 0x0800) big-endian.</summary>
    public static uint FilterInfo(ushort priority, ushort protocol) =>
        ((uint)priority << 16) | (BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(protocol) : protocol);
}
