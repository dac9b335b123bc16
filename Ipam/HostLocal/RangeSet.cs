using System.Collections;
using CniBox.Spec.Addressing;

namespace CniBox.Ipam.HostLocal;

/// <summary>The ranges one allocation draws from: non-empty, one family, no overlaps.</summary>
public sealed class RangeSet : IReadOnlyList<IpRange>
{
    private readonly IpRange[] _ranges;

    public RangeSet(IEnumerable<IpRange> ranges)
    {
        _ranges = ranges.ToArray();
        if (_ranges.Length == 0) throw new FormatException("empty range set");
        if (_ranges.Any(r => r.IsV4 != _ranges[0].IsV4)) throw new FormatException("mixed address families");
        for (var i = 0; i < _ranges.Length - 1; i++)
        {
            for (var j = i + 1; j < _ranges.Length; j++)
            {
                if (_ranges[i].Overlaps(_ranges[j])) throw new FormatException($"subnets {_ranges[i]} and {_ranges[j]} overlap");
            }
        }
    }

    public bool IsV4 => _ranges[0].IsV4;
    public int Count => _ranges.Length;
    public IpRange this[int index] => _ranges[index];

    /// <summary>The range holding <paramref name="ip"/>, or null.</summary>
    public IpRange? RangeFor(IpAddr ip) => Array.Find(_ranges, r => r.Contains(ip));

    public bool Contains(IpAddr ip) => RangeFor(ip) is not null;

    public bool Overlaps(RangeSet other) => _ranges.Any(r => other._ranges.Any(r.Overlaps));

    /// <summary>Go's <c>RangeSet.String()</c>: the ranges' "start-end" joined by commas.</summary>
    public override string ToString() => string.Join(",", _ranges.Select(r => r.ToString()));

    public IEnumerator<IpRange> GetEnumerator() => ((IEnumerable<IpRange>)_ranges).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _ranges.GetEnumerator();
}
