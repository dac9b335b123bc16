using CniBox.Netlink.Codec;

namespace CniBox.Tests.Unit.Netlink;

internal delegate void Build(ref NetlinkWriter writer);

internal static class GoldenRequest
{
    /// <summary>Builds one message into a fresh buffer and returns its bytes.</summary>
    public static byte[] Of(Build build)
    {
        Span<byte> buffer = stackalloc byte[512];
        var writer = new NetlinkWriter(buffer);
        build(ref writer);
        return writer.Written.ToArray();
    }

    public static NetlinkMessage Single(byte[] datagram)
    {
        var reader = new MessageReader(datagram);
        Assert.That(reader.MoveNext(), Is.True, "no message in datagram");
        return reader.Current;
    }
}
