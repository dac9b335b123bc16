using CniBox.Netlink.Codec;

namespace CniBox.Tests.Unit.Netlink.Codec;

[TestFixture]
public sealed class AttributeReaderTests
{
    private static List<(ushort Type, int Length)> ReadAll(byte[] bytes, out bool malformed)
    {
        var seen = new List<(ushort, int)>();
        var reader = new AttributeReader(bytes);
        while (reader.MoveNext())
            seen.Add((reader.Current.Type, reader.Current.Payload.Length));
        malformed = reader.Malformed;
        return seen;
    }

    [Test]
    public void MasksNestedAndByteOrderFlagsAndKeepsTheRawType()
    {
        byte[] bytes = [0x08, 0x00, 0x05, 0xc0, 0x0a, 0x00, 0x00, 0x01];
        var reader = new AttributeReader(bytes);
        Assert.That(reader.MoveNext(), Is.True);
        Assert.That(reader.Current.Type, Is.EqualTo(5));
        Assert.That(reader.Current.RawType, Is.EqualTo(0xc005));
        Assert.That(reader.Current.IsNested, Is.True);
        Assert.That(reader.Current.GetU32BigEndian(), Is.EqualTo(0x0a000001));
    }

    [Test]
    public void LastAttributeMayOmitItsPadding()
    {
        byte[] bytes = [0x05, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02, 0x00, 0x09];
        Assert.That(ReadAll(bytes, out bool malformed), Is.EqualTo(new[] { ((ushort)1, 1), ((ushort)2, 1) }));
        Assert.That(malformed, Is.False);
    }

    [TestCase(new byte[] { 0x08, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00 }, TestName = "length below 4")]
    [TestCase(new byte[] { 0x08, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x02, 0x00, 0x00 }, TestName = "length past the end")]
    [TestCase(new byte[] { 0x08, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00 }, TestName = "truncated header")]
    public void StopsForGoodOnAMalformedTlv(byte[] bytes)
    {
        Assert.That(ReadAll(bytes, out bool malformed), Is.EqualTo(new[] { ((ushort)1, 4) }));
        Assert.That(malformed, Is.True);
    }

    [Test]
    public void StopsForGoodEvenIfValidAttributesFollowAZeroLengthOne()
    {
        byte[] bytes = [0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00];
        Assert.That(ReadAll(bytes, out bool malformed), Is.Empty);
        Assert.That(malformed, Is.True);
    }

    [Test]
    public void ReadsNestedAttributesAndStrings()
    {
        byte[] bytes = [0x10, 0x00, 0x12, 0x00, 0x09, 0x00, 0x01, 0x00, 0x76, 0x65, 0x74, 0x68, 0x00, 0x00, 0x00, 0x00];
        var outer = new AttributeReader(bytes);
        Assert.That(outer.MoveNext(), Is.True);
        var inner = outer.Current.GetNested();
        Assert.That(inner.MoveNext(), Is.True);
        Assert.That(inner.Current.GetString(), Is.EqualTo("veth"));
    }

    [Test]
    public void TooShortPayloadForAFixedGetterThrows()
    {
        byte[] bytes = [0x05, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00];
        Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new AttributeReader(bytes);
            reader.MoveNext();
            reader.Current.GetU32();
        });
    }

    [Test]
    public void MessageReaderStopsOnAHeaderClaimingMoreThanTheDatagram()
    {
        byte[] bytes = [0x40, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var reader = new MessageReader(bytes);
        Assert.That(reader.MoveNext(), Is.False);
        Assert.That(reader.Malformed, Is.True);
    }
}
