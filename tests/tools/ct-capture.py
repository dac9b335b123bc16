#!/usr/bin/env python3
"""Captures the ctnetlink bytes the conntrack tool sends (and receives) and prints them as C# byte-array rows
with a comment per field, for golden tests.

Usage (root): tests/tools/ct-capture.py [--recv] '-L -f ipv6' ['-D -p udp --dport 5001' ...]
Each argument is one `conntrack` command line, run under strace in one throwaway netns cbt-ct-<hex>, which is
deleted at the end. Prefix an argument with '!' to run it without printing (setup, e.g. '!-I -p udp -s ...').
`--recv` also prints the replies (dump messages, ACKs).

libnetfilter_conntrack leaves attribute padding uninitialised, so the padding bytes after an attribute's payload
are printed as zero (the kernel never reads them; our writer zeroes them).
"""
import ipaddress, os, re, struct, subprocess, sys, tempfile

CT_MSG = {0: "IPCTNL_MSG_CT_NEW", 1: "IPCTNL_MSG_CT_GET", 2: "IPCTNL_MSG_CT_DELETE"}
TOP = {1: "CTA_TUPLE_ORIG", 2: "CTA_TUPLE_REPLY", 3: "CTA_STATUS", 4: "CTA_PROTOINFO", 5: "CTA_HELP", 6: "CTA_NAT_SRC",
       7: "CTA_TIMEOUT", 8: "CTA_MARK", 9: "CTA_COUNTERS_ORIG", 10: "CTA_COUNTERS_REPLY", 11: "CTA_USE", 12: "CTA_ID",
       13: "CTA_NAT_DST", 14: "CTA_TUPLE_MASTER", 18: "CTA_ZONE", 20: "CTA_TIMESTAMP", 24: "CTA_SYNPROXY",
       25: "CTA_FILTER", 26: "CTA_STATUS_MASK"}
TUPLE = {1: "CTA_TUPLE_IP", 2: "CTA_TUPLE_PROTO", 3: "CTA_TUPLE_ZONE"}
IP = {1: "CTA_IP_V4_SRC", 2: "CTA_IP_V4_DST", 3: "CTA_IP_V6_SRC", 4: "CTA_IP_V6_DST"}
PROTO = {1: "CTA_PROTO_NUM", 2: "CTA_PROTO_SRC_PORT", 3: "CTA_PROTO_DST_PORT", 4: "CTA_PROTO_ICMP_ID",
         5: "CTA_PROTO_ICMP_TYPE", 6: "CTA_PROTO_ICMP_CODE"}
PROTOINFO = {1: "CTA_PROTOINFO_TCP"}
TCP = {1: "CTA_PROTOINFO_TCP_STATE", 2: "CTA_PROTOINFO_TCP_WSCALE_ORIGINAL", 3: "CTA_PROTOINFO_TCP_WSCALE_REPLY",
       4: "CTA_PROTOINFO_TCP_FLAGS_ORIGINAL", 5: "CTA_PROTOINFO_TCP_FLAGS_REPLY"}
NESTS = {"CTA_TUPLE_ORIG": TUPLE, "CTA_TUPLE_REPLY": TUPLE, "CTA_TUPLE_MASTER": TUPLE, "CTA_TUPLE_IP": IP,
         "CTA_TUPLE_PROTO": PROTO, "CTA_PROTOINFO": PROTOINFO, "CTA_PROTOINFO_TCP": TCP}


def hexrow(b):
    return ", ".join(f"0x{x:02x}" for x in b) + ","


def out(indent, b, comment):
    # 8 bytes per row at most; the comment goes on the first row.
    rows = [b[i:i + 8] for i in range(0, len(b), 8)] or [b""]
    for i, r in enumerate(rows):
        line = "    " * indent + hexrow(r)
        print(f"{line:<64} // {comment}" if i == 0 and comment else line)


def describe(name, payload):
    if name.startswith("CTA_IP_V"):
        return str(ipaddress.ip_address(payload))
    if len(payload) == 1:
        return f"u8 {payload[0]}"
    if len(payload) == 2:
        return f"be16 {struct.unpack('>H', payload)[0]}"
    if len(payload) == 4:
        return f"be32 {struct.unpack('>I', payload)[0]}"
    if len(payload) == 8:
        return f"be64 {struct.unpack('>Q', payload)[0]}"
    return payload.hex()


def attrs(b, names, indent):
    i = 0
    while i + 4 <= len(b):
        ln, ty = struct.unpack("<HH", b[i:i + 4])
        if ln < 4:
            break
        t = ty & 0x3fff
        payload = b[i + 4:i + ln]
        name = names.get(t, f"attr {t}")
        if ty & 0x8000:
            out(indent, b[i:i + 4], f"{name} (nested, len {ln})")
            attrs(payload, NESTS.get(name, {}), indent + 1)
        else:
            padded = b[i:i + ln] + bytes((-ln) % 4)
            out(indent, padded, f"{name} {describe(name, payload)} (len {ln})")
        i += (ln + 3) // 4 * 4


def message(b):
    ln, ty, fl, seq, pid = struct.unpack("<IHHII", b[:16])
    sub, m = ty >> 8, ty & 0xff
    kind = {2: "NLMSG_ERROR", 3: "NLMSG_DONE"}.get(ty) or (CT_MSG.get(m, f"msg {m}") if sub == 1 else f"subsys {sub} msg {m}")
    print(f"// ---- {kind} len {ln} flags 0x{fl:04x} seq {seq} pid {pid}")
    out(1, b[0:4], f"nlmsg_len {ln}")
    out(1, b[4:8], f"{kind}, flags 0x{fl:04x}")
    out(1, b[8:16], f"seq {seq}, pid {pid}")
    if ty in (2, 3):
        out(1, b[16:ln], "payload")
        return
    fam, ver, res = struct.unpack(">BBH", b[16:20])
    out(1, b[16:20], f"nfgenmsg family {fam}, version {ver}, res_id {res} (big endian)")
    attrs(b[20:ln], TOP, 1)


def messages(data):
    i = 0
    while i + 16 <= len(data):
        ln = struct.unpack("<I", data[i:i + 4])[0]
        if ln < 16:
            break
        message(data[i:i + ln])
        i += (ln + 3) // 4 * 4


def dumps(trace):
    """Yields (syscall, bytes) for the data strace dumped with -e write=all -e read=all."""
    cur, buf = None, bytearray()
    for line in trace.splitlines():
        m = re.match(r"^(?:\d+ +)?(sendmsg|recvmsg|sendto|recvfrom)\(", line)
        if m:
            if cur and buf:
                yield cur, bytes(buf)
            cur, buf = m.group(1), bytearray()
        elif line.startswith(" | ") and cur:
            buf += bytes.fromhex(" ".join(line[10:58].split()))
    if cur and buf:
        yield cur, bytes(buf)


def main():
    args = sys.argv[1:]
    recv = "--recv" in args
    args = [a for a in args if a != "--recv"]
    ns = "cbt-ct-" + os.urandom(3).hex()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        for cmd in args:
            quiet = cmd.startswith("!")
            cmd = cmd.lstrip("!")
            with tempfile.NamedTemporaryFile("r", suffix=".trace") as t:
                r = subprocess.run(["ip", "netns", "exec", ns, "strace", "-o", t.name, "-e", "trace=sendmsg,recvmsg,sendto,recvfrom",
                                    "-e", "write=all", "-e", "read=all", "-e", "verbose=none", "conntrack", *cmd.split()],
                                   capture_output=True, text=True)
                trace = open(t.name).read()
            if quiet:
                continue
            print(f"// ===== conntrack {cmd}  (exit {r.returncode}) {r.stdout.strip()} {r.stderr.strip()}")
            for call, data in dumps(trace):
                if call.startswith("send"):
                    messages(data)
                elif recv:
                    print(f"// <<<< {call}")
                    messages(data)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


if __name__ == "__main__":
    main()
