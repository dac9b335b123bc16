using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;

namespace CniBox.Tests.Unit.Netlink.Codec;

[TestFixture]
public sealed class NetlinkWriterTests
{
    [Test]
    public void AttributesArePaddedWithZeroesAndTheLengthIsWrittenLast()
    {
        Span<byte> buffer = stackalloc byte[64];
        buffer.Fill(0xee);
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(0x10, 0x05, seq: 7);
        w.PutU8(1, 0xab);
        w.PutStringZ(2, "abcd");
        byte[] message = w.EndMessage().ToArray();
        Assert.That(message, Is.EqualTo(new byte[]
        {
            0x24, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x05, 0x00, 0x01, 0x00, 0xab, 0x00, 0x00, 0x00,             // len 5, 3 zero pad
            0x09, 0x00, 0x02, 0x00, 0x61, 0x62, 0x63, 0x64, 0x00, 0x00, 0x00, 0x00, // "abcd\0", 3 pad
        }));
    }

    [Test]
    public void IntegersAreHostOrderUnlessBigEndianIsAskedFor()
    {
        byte[] bytes = GoldenRequest.Of((ref w) =>
        {
            w.PutU16(1, 0x0102);
            w.PutU32BigEndian(2, 0x0a000001);
            w.PutU16BigEndian(3, 0x0050);
            w.PutI32(4, -1);
            w.PutU64(5, 0x0102030405060708);
        });
        Assert.That(bytes, Is.EqualTo(new byte[]
        {
            0x06, 0x00, 0x01, 0x00, 0x02, 0x01, 0x00, 0x00,
            0x08, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x01,
            0x06, 0x00, 0x03, 0x00, 0x00, 0x50, 0x00, 0x00,
            0x08, 0x00, 0x04, 0x00, 0xff, 0xff, 0xff, 0xff,
            0x0c, 0x00, 0x05, 0x00, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
        }));
    }

    [Test]
    public void NestsGetTheirLengthPatchedAndMayStartWithAFixedHeader()
    {
        byte[] bytes = GoldenRequest.Of((ref w) =>
        {
            NestToken outer = w.BeginNest(18);
            w.PutStringZ(1, "veth");
            NestToken peer = w.BeginNest(2, setNestedFlag: true);
            w.WriteStruct(new IfInfoMsg { ifi_index = 5 });
            w.PutBytes(3, [0x61, 0x62]);
            w.EndNest(peer);
            w.EndNest(outer);
        });
        Assert.That(bytes, Is.EqualTo(new byte[]
        {
            0x2c, 0x00, 0x12, 0x00,                         // outer nest, len 44
            0x09, 0x00, 0x01, 0x00, 0x76, 0x65, 0x74, 0x68, 0x00, 0x00, 0x00, 0x00,
            0x1c, 0x00, 0x02, 0x80,                         // inner nest, len 28, NLA_F_NESTED
            0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, // ifinfomsg index 5
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x06, 0x00, 0x03, 0x00, 0x61, 0x62, 0x00, 0x00,
        }));
    }

    [Test]
    public void OverflowThrowsInsteadOfWritingPastTheBuffer()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            Span<byte> small = stackalloc byte[20];
            var w = new NetlinkWriter(small);
            w.BeginMessage(0x12, 0x01, 1);
            w.PutU32(1, 1);
        });
        Assert.That(e!.Message, Does.Contain("too small"));
    }

    [Test]
    public void EndMessageWithoutBeginMessageThrows()
    {
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new NetlinkWriter(new byte[32]);
            w.EndMessage();
        });
    }

    [Test]
    public void MessagesCanFollowEachOtherInOneBuffer()
    {
        byte[] bytes = GoldenRequest.Of((ref w) =>
        {
            w.BeginMessage(0x10, 0x01, 1);
            w.EndMessage();
            w.BeginMessage(0x11, 0x01, 2);
            w.PutU8(1, 1);
            w.EndMessage();
        });
        var reader = new MessageReader(bytes);
        Assert.That(reader.MoveNext() && reader.Current.Type == 0x10 && reader.Current.Payload.IsEmpty, Is.True);
        Assert.That(reader.MoveNext() && reader.Current.Type == 0x11 && reader.Current.Sequence == 2, Is.True);
        Assert.That(reader.MoveNext(), Is.False);
        Assert.That(reader.Malformed, Is.False);
    }
}
