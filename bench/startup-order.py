#!/usr/bin/env python3
"""Turns callgrind profiles (--dump-instr=yes) of plugin calls into an ILC order file: every managed method those
calls executed an instruction of, in order of first appearance, so that ILC lays them out together
(--method-layout:explicit) and a call maps a few dense pages of code instead of scattered ones.
Usage: startup-order.py NM_OUTPUT CALLGRIND_FILE... > order
NM_OUTPUT: `nm -n --defined-only` of an unstripped build whose code is identical to the profiled one."""
import bisect, sys

symbols = []  # (address, name)
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tTwW":
        symbols.append((int(parts[0], 16), parts[2]))
symbols.sort()
starts = [a for a, _ in symbols]

seen, order = set(), []
def executed(address):
    i = bisect.bisect_right(starts, address) - 1
    if i >= 0 and symbols[i][1] not in seen:
        seen.add(symbols[i][1])
        order.append(symbols[i][1])

for path in sys.argv[2:]:
    position = 0
    for line in open(path):
        head = line.split(" ", 1)[0].strip()
        if not head or not (head[0] in "+-*" or head.startswith("0x")):
            continue  # headers, fn=/cfn=/calls= lines: positions come only on cost lines
        if head.startswith("0x"):
            position = int(head, 16)
        elif head[0] == "+":
            position += int(head[1:] or 0)
        elif head[0] == "-":
            position -= int(head[1:] or 0)
        executed(position)
print("\n".join(order))
