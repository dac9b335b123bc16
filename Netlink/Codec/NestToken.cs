namespace CniBox.Netlink.Codec;

/// <summary>Where a nest attribute header was written; <see cref="NetlinkWriter.EndNest"/> patches its length.</summary>
public readonly record struct NestToken(int Offset);
