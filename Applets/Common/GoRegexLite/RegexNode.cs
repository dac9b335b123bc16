namespace CniBox.Applets.Common.GoRegexLite;

/// <summary>The parsed form of a pattern: what <see cref="RegexParser"/> builds and <see cref="RegexProgram"/> compiles.</summary>
internal abstract record RegexNode;

/// <summary>One character out of a set of inclusive ranges (a literal is a one-range set), maybe negated.</summary>
internal sealed record CharSetNode((char Lo, char Hi)[] Ranges, bool Negated) : RegexNode
{
    public bool Matches(char c)
    {
        var inside = false;
        foreach (var (lo, hi) in Ranges)
        {
            if (c >= lo && c <= hi)
            {
                inside = true;
                break;
            }
        }
        return inside != Negated;
    }
}

/// <summary>^ (beginning of text) or $ (end of text): Go's meaning without the m flag.</summary>
internal sealed record AssertNode(bool AtEnd) : RegexNode;

internal sealed record ConcatNode(List<RegexNode> Items) : RegexNode;

internal sealed record AlternateNode(List<RegexNode> Choices) : RegexNode;

/// <summary>Min to Max repetitions of Item; Max -1 is unbounded.</summary>
internal sealed record RepeatNode(RegexNode Item, int Min, int Max) : RegexNode;
