#!/usr/bin/env python3
"""Captures the nf_tables netlink bytes nft sends (and receives) for a script of nft commands and prints
them as C# byte-array rows with a comment per field, for golden tests.

Usage (root): tests/tools/nft-capture.py 'add table inet cbt_t' ['add chain ...' ...]
Each argument is run as its own `nft` process inside one throwaway netns cbt-nft-<hex>, which is deleted
at the end. Prefix an argument with '!' to run it without printing (setup). `--recv` also prints replies.
"""
import os, re, struct, subprocess, sys, tempfile

MSG = {0: "NEWTABLE", 1: "GETTABLE", 2: "DELTABLE", 3: "NEWCHAIN", 4: "GETCHAIN", 5: "DELCHAIN",
       6: "NEWRULE", 7: "GETRULE", 8: "DELRULE", 15: "NEWGEN", 16: "GETGEN"}
TOP = {"TABLE": {1: "NFTA_TABLE_NAME", 2: "NFTA_TABLE_FLAGS", 3: "NFTA_TABLE_USE", 4: "NFTA_TABLE_HANDLE", 6: "NFTA_TABLE_USERDATA", 7: "NFTA_TABLE_OWNER"},
       "CHAIN": {1: "NFTA_CHAIN_TABLE", 2: "NFTA_CHAIN_HANDLE", 3: "NFTA_CHAIN_NAME", 4: "NFTA_CHAIN_HOOK", 5: "NFTA_CHAIN_POLICY", 6: "NFTA_CHAIN_USE",
                 7: "NFTA_CHAIN_TYPE", 8: "NFTA_CHAIN_COUNTERS", 10: "NFTA_CHAIN_FLAGS", 11: "NFTA_CHAIN_ID", 12: "NFTA_CHAIN_USERDATA"},
       "RULE": {1: "NFTA_RULE_TABLE", 2: "NFTA_RULE_CHAIN", 3: "NFTA_RULE_HANDLE", 4: "NFTA_RULE_EXPRESSIONS", 6: "NFTA_RULE_POSITION", 7: "NFTA_RULE_USERDATA", 9: "NFTA_RULE_ID"},
       "GEN": {1: "NFTA_GEN_ID", 2: "NFTA_GEN_PROC_PID", 3: "NFTA_GEN_PROC_NAME"}}
HOOK = {1: "NFTA_HOOK_HOOKNUM", 2: "NFTA_HOOK_PRIORITY", 3: "NFTA_HOOK_DEV"}
EXPR = {"meta": {1: "NFTA_META_DREG", 2: "NFTA_META_KEY", 3: "NFTA_META_SREG"},
        "payload": {1: "NFTA_PAYLOAD_DREG", 2: "NFTA_PAYLOAD_BASE", 3: "NFTA_PAYLOAD_OFFSET", 4: "NFTA_PAYLOAD_LEN", 5: "NFTA_PAYLOAD_SREG"},
        "cmp": {1: "NFTA_CMP_SREG", 2: "NFTA_CMP_OP", 3: "NFTA_CMP_DATA"},
        "bitwise": {1: "NFTA_BITWISE_SREG", 2: "NFTA_BITWISE_DREG", 3: "NFTA_BITWISE_LEN", 4: "NFTA_BITWISE_MASK", 5: "NFTA_BITWISE_XOR", 6: "NFTA_BITWISE_OP"},
        "immediate": {1: "NFTA_IMMEDIATE_DREG", 2: "NFTA_IMMEDIATE_DATA"},
        "masq": {1: "NFTA_MASQ_FLAGS", 2: "NFTA_MASQ_REG_PROTO_MIN", 3: "NFTA_MASQ_REG_PROTO_MAX"},
        "nat": {1: "NFTA_NAT_TYPE", 2: "NFTA_NAT_FAMILY", 3: "NFTA_NAT_REG_ADDR_MIN", 4: "NFTA_NAT_REG_ADDR_MAX", 5: "NFTA_NAT_REG_PROTO_MIN", 6: "NFTA_NAT_REG_PROTO_MAX", 7: "NFTA_NAT_FLAGS"},
        "counter": {1: "NFTA_COUNTER_BYTES", 2: "NFTA_COUNTER_PACKETS"},
        "lookup": {1: "NFTA_LOOKUP_SET", 2: "NFTA_LOOKUP_SREG", 3: "NFTA_LOOKUP_DREG", 4: "NFTA_LOOKUP_SET_ID", 5: "NFTA_LOOKUP_FLAGS"}}
DATA = {1: "NFTA_DATA_VALUE", 2: "NFTA_DATA_VERDICT"}
VERDICT = {1: "NFTA_VERDICT_CODE", 2: "NFTA_VERDICT_CHAIN"}


def hexrow(b):
    return ", ".join(f"0x{x:02x}" for x in b) + ","


def out(indent, b, comment):
    # 8 bytes per row at most; the comment goes on the first row.
    rows = [b[i:i + 8] for i in range(0, len(b), 8)] or [b""]
    for i, r in enumerate(rows):
        line = "    " * indent + hexrow(r)
        print(f"{line:<60} // {comment}" if i == 0 and comment else line)


def describe(payload):
    s = payload.rstrip(b"\0")
    if s and all(32 <= c < 127 for c in s) and len(s) >= 1 and payload.endswith(b"\0"):
        return f'"{s.decode()}"'
    if len(payload) == 4:
        return f"u32 {struct.unpack('<I', payload)[0]} / be {struct.unpack('>i', payload)[0]}"
    if len(payload) == 8:
        return f"be64 {struct.unpack('>Q', payload)[0]}"
    return payload.hex()


def attrs(b, names, indent, ctx):
    i = 0
    expr_name = None
    while i + 4 <= len(b):
        ln, ty = struct.unpack("<HH", b[i:i + 4])
        nested = ty & 0x8000
        t = ty & 0x3fff
        payload = b[i + 4:i + ln]
        name = names.get(t, f"attr {t}") if isinstance(names, dict) else names
        if ctx == "expr" and t == 1:
            expr_name = payload.rstrip(b"\0").decode()
        if nested:
            out(indent, b[i:i + 4], f"{name} (nested, len {ln})")
            if name == "NFTA_CHAIN_HOOK":
                attrs(payload, HOOK, indent + 1, "")
            elif name == "NFTA_RULE_EXPRESSIONS":
                attrs(payload, "NFTA_LIST_ELEM", indent + 1, "list")
            elif name == "NFTA_LIST_ELEM":
                attrs(payload, {1: "NFTA_EXPR_NAME", 2: "NFTA_EXPR_DATA"}, indent + 1, "expr")
            elif name == "NFTA_EXPR_DATA":
                attrs(payload, EXPR.get(ctx_expr[0], {}), indent + 1, "data")
            elif name.endswith("_DATA") or name == "NFTA_CMP_DATA":
                attrs(payload, DATA, indent + 1, "")
            elif name == "NFTA_DATA_VERDICT":
                attrs(payload, VERDICT, indent + 1, "")
            else:
                attrs(payload, {}, indent + 1, "")
        else:
            out(indent, b[i:i + (ln + 3) // 4 * 4], f"{name} {describe(payload)} (len {ln})")
        if ctx == "expr" and t == 1:
            ctx_expr[0] = expr_name
        i += (ln + 3) // 4 * 4


ctx_expr = [None]


def message(b):
    ln, ty, fl, seq, pid = struct.unpack("<IHHII", b[:16])
    sub, m = ty >> 8, ty & 0xff
    kind = {0x10: "NFNL_MSG_BATCH_BEGIN", 0x11: "NFNL_MSG_BATCH_END", 2: "NLMSG_ERROR", 3: "NLMSG_DONE"}.get(ty, f"NFT_MSG_{MSG.get(m, m)}")
    print(f"// ---- {kind} len {ln} flags 0x{fl:04x} seq {seq} pid {pid}")
    out(1, b[0:4], f"nlmsg_len {ln}")
    out(1, b[4:8], f"{kind}, flags 0x{fl:04x}")
    out(1, b[8:16], f"seq {seq}, pid {pid}")
    if ty in (2, 3):
        out(1, b[16:], "payload")
        return
    fam, ver, res = struct.unpack(">BBH", b[16:20])
    out(1, b[16:20], f"nfgenmsg family {fam}, version {ver}, res_id {res} (big endian)")
    group = next((k for k in TOP if MSG.get(m, "").endswith(k)), None)
    attrs(b[20:ln], TOP.get(group, {}), 1, "")


def messages(data, batch_only=False):
    """Prints each message; with batch_only, only a batch (BEGIN..END) and no lookups such as GETGEN."""
    i = 0
    while i + 16 <= len(data):
        ln, ty = struct.unpack("<IH", data[i:i + 6])
        if ln < 16:
            break
        if not batch_only or ty in (0x10, 0x11) or ty & 0xff in (0, 2, 3, 5, 6, 8):
            message(data[i:i + ln])
        i += (ln + 3) // 4 * 4


def dumps(trace, want):
    """Yields (syscall, bytes) for the sendmsg/recvmsg data strace dumped with -e write=/read=."""
    cur, buf = None, bytearray()
    for line in trace.splitlines():
        m = re.match(r"^(sendmsg|recvmsg|sendto|recvfrom)\(", line)
        if m:
            if cur and buf:
                yield cur, bytes(buf)
            cur, buf = m.group(1), bytearray()
        elif line.startswith(" | ") and cur:
            hexpart = line[3:].split("  ")[0:3]
            hx = " ".join(line[10:58].split())
            buf += bytes.fromhex(hx)
    if cur and buf:
        yield cur, bytes(buf)


def main():
    args = sys.argv[1:]
    recv = "--recv" in args
    args = [a for a in args if a != "--recv"]
    ns = "cbt-nft-" + os.urandom(3).hex()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        for cmd in args:
            quiet = cmd.startswith("!")
            cmd = cmd.lstrip("!")
            with tempfile.NamedTemporaryFile("r", suffix=".trace") as t:
                r = subprocess.run(["ip", "netns", "exec", ns, "strace", "-o", t.name, "-e", "trace=sendmsg,recvmsg,sendto,recvfrom",
                                    "-e", "write=3", "-e", "read=3", "-e", "verbose=none", "nft", *cmd.split()], capture_output=True, text=True)
                trace = open(t.name).read()
            if quiet:
                continue
            print(f"// ===== nft {cmd}  (exit {r.returncode}) {r.stdout.strip()} {r.stderr.strip()}")
            for call, data in dumps(trace, None):
                if call.startswith("send"):
                    messages(data, batch_only=not recv)
                elif recv:
                    print(f"// <<<< {call}")
                    messages(data)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


if __name__ == "__main__":
    main()
