namespace CniBox.Ipam;

/// <summary>
/// A 128-bit unsigned integer as two ulongs, for IP arithmetic. Not System.UInt128: in this NativeAOT build,
/// code holding UInt128 values (16-byte aligned on x64) corrupted neighbouring stack slots and GC references
/// (null delegates, zeroed strings in later, unrelated code), reproducibly in host-local's in-process path.
/// </summary>
public readonly struct U128 : IEquatable<U128>, IComparable<U128>
{
    public U128(ulong high, ulong low) => (High, Low) = (high, low);

    public ulong High { get; }
    public ulong Low { get; }

    public static U128 Zero => default;
    public static U128 One => new(0, 1);
    public static U128 MaxValue => new(ulong.MaxValue, ulong.MaxValue);

    public static implicit operator U128(ulong value) => new(0, value);
    public static implicit operator U128(UInt128 value) => new((ulong)(value >> 64), (ulong)value);
    public static explicit operator ulong(U128 value) => value.Low;
    public static explicit operator uint(U128 value) => (uint)value.Low;
    public static explicit operator ushort(U128 value) => (ushort)value.Low;
    public static explicit operator byte(U128 value) => (byte)value.Low;
    public static explicit operator int(U128 value) => (int)value.Low;

    public static U128 operator +(U128 a, U128 b)
    {
        var low = a.Low + b.Low;
        return new(a.High + b.High + (low < a.Low ? 1UL : 0UL), low);
    }

    public static U128 operator -(U128 a, U128 b)
    {
        var low = a.Low - b.Low;
        return new(a.High - b.High - (a.Low < b.Low ? 1UL : 0UL), low);
    }

    public static U128 operator &(U128 a, U128 b) => new(a.High & b.High, a.Low & b.Low);
    public static U128 operator |(U128 a, U128 b) => new(a.High | b.High, a.Low | b.Low);
    public static U128 operator ^(U128 a, U128 b) => new(a.High ^ b.High, a.Low ^ b.Low);
    public static U128 operator ~(U128 a) => new(~a.High, ~a.Low);

    public static U128 operator <<(U128 a, int shift)
    {
        shift &= 127;
        if (shift == 0) return a;
        return shift >= 64 ? new(a.Low << (shift - 64), 0) : new((a.High << shift) | (a.Low >> (64 - shift)), a.Low << shift);
    }

    public static U128 operator >>(U128 a, int shift)
    {
        shift &= 127;
        if (shift == 0) return a;
        return shift >= 64 ? new(0, a.High >> (shift - 64)) : new(a.High >> shift, (a.Low >> shift) | (a.High << (64 - shift)));
    }

    public static bool operator ==(U128 a, U128 b) => a.Equals(b);
    public static bool operator !=(U128 a, U128 b) => !a.Equals(b);
    public static bool operator <(U128 a, U128 b) => a.CompareTo(b) < 0;
    public static bool operator >(U128 a, U128 b) => a.CompareTo(b) > 0;
    public static bool operator <=(U128 a, U128 b) => a.CompareTo(b) <= 0;
    public static bool operator >=(U128 a, U128 b) => a.CompareTo(b) >= 0;

    public bool Equals(U128 other) => High == other.High && Low == other.Low;
    public override bool Equals(object? obj) => obj is U128 other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(High, Low);
    public int CompareTo(U128 other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);
    public override string ToString() => High == 0 ? Low.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"0x{High:x16}{Low:x16}";
}
