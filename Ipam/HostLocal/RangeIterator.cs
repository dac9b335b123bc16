using CniBox.Spec.Addressing;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// Go's round-robin over a range set: from the address after <c>lastReserved</c> (or from the first
/// range's start when the set does not contain it), range by range, wrapping around, until back where it
/// started; the last reserved address itself is offered last. Gateways, network addresses and IPv4
/// broadcasts are skipped (Go skips only the gateway).
/// </summary>
public sealed class RangeIterator
{
    private readonly RangeSet _set;
    private int _rangeIndex;
    private IpAddr? _current;
    private IpAddr? _start;
    private bool _done;

    public RangeIterator(RangeSet set, IpAddr? lastReserved)
    {
        _set = set;
        if (lastReserved is { } last && IndexOf(last) is var i and >= 0)
        {
            _rangeIndex = i;
            _current = last;
        }
        else
        {
            _start = set[0].RangeStart;
        }
    }

    /// <summary>The next candidate and its range; false once every address has been offered.</summary>
    public bool TryNext(out IpAddr ip, out IpRange range)
    {
        while (!_done)
        {
            range = _set[_rangeIndex];
            if (_current is not { } cur)
            {
                _current = _start = range.RangeStart;
            }
            else
            {
                if (cur == range.RangeEnd)
                {
                    _rangeIndex = (_rangeIndex + 1) % _set.Count;
                    range = _set[_rangeIndex];
                    _current = range.RangeStart;
                }
                else
                {
                    _current = cur.Next();
                }
                if (_start is null) _start = _current;
                else if (_current == _start)
                {
                    _done = true;
                    break;
                }
            }
            ip = _current.Value;
            if (!range.IsReserved(ip)) return true;
        }
        ip = default;
        range = null!;
        return false;
    }

    private int IndexOf(IpAddr ip)
    {
        for (var i = 0; i < _set.Count; i++)
        {
            if (_set[i].Contains(ip)) return i;
        }
        return -1;
    }
}
