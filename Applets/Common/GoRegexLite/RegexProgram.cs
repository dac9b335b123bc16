namespace CniBox.Applets.Common.GoRegexLite;

/// <summary>A compiled pattern: Thompson NFA instructions and the simulation that runs them over a text.</summary>
internal sealed class RegexProgram
{
    private enum Op : byte { Char, Split, Jump, Begin, End, Match }

    private readonly record struct Inst(Op Op, int X, int Y, CharSetNode? Set);

    private readonly List<Inst> _code = [];

    public static RegexProgram Compile(RegexNode root)
    {
        var program = new RegexProgram();
        program.Emit(root);
        program._code.Add(new Inst(Op.Match, 0, 0, null));
        return program;
    }

    private void Emit(RegexNode node)
    {
        switch (node)
        {
            case CharSetNode set:
                _code.Add(new Inst(Op.Char, 0, 0, set));
                break;
            case AssertNode assert:
                _code.Add(new Inst(assert.AtEnd ? Op.End : Op.Begin, 0, 0, null));
                break;
            case ConcatNode concat:
                concat.Items.ForEach(Emit);
                break;
            case AlternateNode alternate:
                EmitAlternation(alternate.Choices);
                break;
            case RepeatNode repeat:
                EmitRepeat(repeat);
                break;
        }
    }

    private void EmitAlternation(List<RegexNode> choices)
    {
        var jumpsToEnd = new List<int>();
        for (var i = 0; i < choices.Count - 1; i++)
        {
            var split = Placeholder();
            Emit(choices[i]);
            jumpsToEnd.Add(Placeholder());
            _code[split] = new Inst(Op.Split, split + 1, _code.Count, null);
        }
        Emit(choices[^1]);
        foreach (var jump in jumpsToEnd) _code[jump] = new Inst(Op.Jump, _code.Count, 0, null);
    }

    private void EmitRepeat(RepeatNode repeat)
    {
        for (var i = 0; i < repeat.Min; i++) Emit(repeat.Item);
        if (repeat.Max < 0)
        {
            var loop = Placeholder();
            Emit(repeat.Item);
            _code.Add(new Inst(Op.Jump, loop, 0, null));
            _code[loop] = new Inst(Op.Split, loop + 1, _code.Count, null);
            return;
        }
        var skipsToEnd = new List<int>();
        for (var i = repeat.Min; i < repeat.Max; i++)
        {
            skipsToEnd.Add(Placeholder());
            Emit(repeat.Item);
        }
        foreach (var skip in skipsToEnd) _code[skip] = new Inst(Op.Split, skip + 1, _code.Count, null);
    }

    private int Placeholder()
    {
        _code.Add(default);
        return _code.Count - 1;
    }

    /// <summary>Unanchored: a new thread starts at every position; true once any thread reaches Match.</summary>
    public bool Run(string text)
    {
        var seen = new int[_code.Count]; // the step (position + 1) a pc was last added in
        var current = new List<int>();
        var next = new List<int>();
        var stack = new Stack<int>();
        for (var pos = 0; ; pos++)
        {
            if (AddThread(current, 0, pos, text.Length, seen, stack)) return true;
            if (pos == text.Length || current.Count == 0 && StartsAnchored()) return false;
            foreach (var pc in current)
            {
                if (_code[pc].Set!.Matches(text[pos]) && AddThread(next, pc + 1, pos + 1, text.Length, seen, stack))
                    return true;
            }
            (current, next) = (next, current);
            next.Clear();
        }
    }

    private bool StartsAnchored() => _code[0].Op == Op.Begin;

    /// <summary>Follows pc's empty moves, adding the char-consuming instructions reached to the list.</summary>
    private bool AddThread(List<int> list, int start, int pos, int length, int[] seen, Stack<int> stack)
    {
        stack.Push(start);
        var matched = false;
        while (stack.Count > 0)
        {
            var pc = stack.Pop();
            if (seen[pc] == pos + 1) continue;
            seen[pc] = pos + 1;
            var inst = _code[pc];
            switch (inst.Op)
            {
                case Op.Char: list.Add(pc); break;
                case Op.Jump: stack.Push(inst.X); break;
                case Op.Split:
                    stack.Push(inst.Y);
                    stack.Push(inst.X);
                    break;
                case Op.Begin when pos == 0: stack.Push(pc + 1); break;
                case Op.End when pos == length: stack.Push(pc + 1); break;
                case Op.Match: matched = true; break;
            }
        }
        return matched;
    }
}
