#!/usr/bin/env python3
"""Captures what iptables-nft sends over nf_tables netlink for the rule shapes of the Go plugins' iptables layouts
(firewall, ipMasq, portmap), and what `iptables -S` prints for the rules the kernel then lists, as golden data.

Usage (root): tests/tools/xt-capture.py > tests/CniBox.Tests/Unit/Netlink/Netfilter/Xtables/iptables-nft.captures
Each scenario runs in its own throwaway netns cbt-xtcap-<hex>, deleted at the end. The output is text, one line each:
  == NAME FAMILY TABLE      a scenario (FAMILY ip or ip6)
  $ [ARGS]                  one iptables command as a JSON array (without the program, `-t TABLE` included)
  > TYPE FLAGS HEX          each message of its batch: type name, nlmsg flags (hex), the whole message (seq zeroed)
  S LINE                    what `iptables -t TABLE -S` printed once every command ran
  < CHAIN INDEX HEX         the NEWRULE the kernel listed for the INDEX-th (0-based) rule of CHAIN in that dump
Re-run it and diff to see what another iptables version changes.
"""
import json, os, re, struct, subprocess, sys, tempfile

BR = "cbtxt0"
V4, V6 = "10.199.150.2", "fd99:150::2"
FW = "CNI firewall plugin rules"
ADMIN = "CNI firewall plugin admin overrides"
ISO = "CNI firewall plugin rules (ingressPolicy: same-bridge)"
MASQ_COMMENT = 'name: "cbt-net" id: "cbt-cid"'
DNAT_COMMENT = 'dnat name: "cbt-net" id: "cbt-cid"'


def firewall(ip, host):
    return [
        ["-N", "CNI-FORWARD"], ["-N", "CNI-ADMIN"],
        ["-I", "FORWARD", "1", "-m", "comment", "--comment", FW, "-j", "CNI-FORWARD"],
        ["-A", "CNI-FORWARD", "-m", "comment", "--comment", ADMIN, "-j", "CNI-ADMIN"],
        ["-A", "CNI-FORWARD", "-d", f"{ip}/{host}", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"],
        ["-A", "CNI-FORWARD", "-s", f"{ip}/{host}", "-j", "ACCEPT"],
        ["-I", "CNI-FORWARD", "2", "-s", f"{ip}/{host}", "-j", "ACCEPT"],
        ["-C", "CNI-FORWARD", "-s", f"{ip}/{host}", "-j", "ACCEPT"],
        ["-D", "CNI-FORWARD", "-s", f"{ip}/{host}", "-j", "ACCEPT"],
        ["-N", "CNI-ISOLATION-STAGE-1"], ["-N", "CNI-ISOLATION-STAGE-2"],
        ["-I", "FORWARD", "1", "-j", "CNI-ISOLATION-STAGE-1", "-m", "comment", "--comment", ISO],
        ["-I", "CNI-ISOLATION-STAGE-1", "1", "-i", BR, "!", "-o", BR, "-j", "CNI-ISOLATION-STAGE-2", "-m", "comment", "--comment", ISO],
        ["-A", "CNI-ISOLATION-STAGE-1", "-j", "RETURN", "-m", "comment", "--comment", ISO],
        ["-I", "CNI-ISOLATION-STAGE-2", "1", "-o", BR, "-j", "DROP", "-m", "comment", "--comment", ISO],
        ["-A", "CNI-ISOLATION-STAGE-2", "-j", "RETURN", "-m", "comment", "--comment", ISO],
        ["-I", "CNI-ISOLATION-STAGE-1", "1", "-i", BR, "-o", BR, "-j", "DROP", "-m", "comment", "--comment",
         "CNI firewall plugin rules (ingressPolicy: isolated)"],
        ["-N", "CNI-CBT-GONE"], ["-A", "CNI-CBT-GONE", "-j", "RETURN"], ["-F", "CNI-CBT-GONE"], ["-X", "CNI-CBT-GONE"],
    ]


def masquerade(ip, subnet, multicast):
    chain = "CNI-cbtmasq0123456789abcdef"
    return [
        ["-N", chain],
        ["-A", chain, "-d", subnet, "-j", "ACCEPT", "-m", "comment", "--comment", MASQ_COMMENT],
        ["-A", chain, "!", "-d", multicast, "-j", "MASQUERADE", "-m", "comment", "--comment", MASQ_COMMENT],
        ["-A", "POSTROUTING", "-s", ip, "-j", chain, "-m", "comment", "--comment", MASQ_COMMENT],
    ]


def portmap(ip, v6):
    dn = "CNI-DN-cbt0123456789abcdef"
    to = f"[{ip}]:80" if v6 else f"{ip}:80"
    rules = [
        ["-N", "CNI-HOSTPORT-SETMARK"],
        ["-A", "CNI-HOSTPORT-SETMARK", "-m", "comment", "--comment", "CNI portfwd masquerade mark", "-j", "MARK", "--set-xmark", "0x2000/0x2000"],
        ["-N", "CNI-HOSTPORT-MASQ"],
        ["-A", "CNI-HOSTPORT-MASQ", "-m", "mark", "--mark", "0x2000/0x2000", "-j", "MASQUERADE"],
        ["-I", "POSTROUTING", "1", "-m", "comment", "--comment", "CNI portfwd requiring masquerade", "-j", "CNI-HOSTPORT-MASQ"],
        ["-N", "CNI-HOSTPORT-DNAT"],
        ["-A", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "CNI-HOSTPORT-DNAT"],
        ["-A", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "CNI-HOSTPORT-DNAT"],
        ["-N", dn],
        ["-A", "CNI-HOSTPORT-DNAT", "-m", "comment", "--comment", DNAT_COMMENT, "-m", "multiport", "-p", "tcp",
         "--destination-ports", "8080,8081", "-j", dn],
        ["-A", "CNI-HOSTPORT-DNAT", "-m", "comment", "--comment", DNAT_COMMENT, "-m", "multiport", "-p", "udp",
         "--destination-ports", "53", "-j", dn],
        ["-A", "CNI-HOSTPORT-DNAT", "-m", "comment", "--comment", DNAT_COMMENT, "-m", "multiport", "-p", "sctp",
         "--destination-ports", "9000", "-j", dn],
        ["-A", dn, "-p", "tcp", "--dport", "8080", "-s", f"{ip}/{128 if v6 else 32}", "-j", "CNI-HOSTPORT-SETMARK"],
        ["-A", dn, "-p", "tcp", "--dport", "8080", "-s", "::/0" if v6 else "0.0.0.0/0", "-j", "CNI-HOSTPORT-SETMARK"],
        ["-A", dn, "-p", "tcp", "--dport", "8080", "-j", "DNAT", "--to-destination", to],
        ["-A", dn, "-p", "udp", "--dport", "53", "-d", "fd99:150::1" if v6 else "10.199.151.1", "-j", "DNAT", "--to-destination", to],
        ["-A", dn, "-p", "sctp", "--dport", "9000", "-j", "DNAT", "--to-destination", to],
    ]
    if not v6:
        rules.insert(-3, ["-A", dn, "-p", "tcp", "--dport", "8080", "-s", "127.0.0.1", "-j", "CNI-HOSTPORT-SETMARK"])
    return rules


SCENARIOS = [
    ("firewall4", "ip", "filter", firewall(V4, 32)),
    ("firewall6", "ip6", "filter", firewall(V6, 128)),
    ("masquerade4", "ip", "nat", masquerade(V4, "10.199.150.0/24", "224.0.0.0/4")),
    ("masquerade6", "ip6", "nat", masquerade(V6, "fd99:150::/64", "ff00::/8")),
    ("portmap4", "ip", "nat", portmap(V4, False)),
    ("portmap6", "ip6", "nat", portmap(V6, True)),
]

NAMES = {0: "NEWTABLE", 2: "DELTABLE", 3: "NEWCHAIN", 5: "DELCHAIN", 6: "NEWRULE", 8: "DELRULE"}


def netlink_buffers(trace, call):
    """The bytes of each `call` (sendmsg or recvmsg) on fd 3 that strace dumped with -e write=3 / -e read=3."""
    cur, buf = None, bytearray()
    for line in trace.splitlines():
        m = re.match(r"^(?:\d+\s+)?(sendmsg|recvmsg|sendto|recvfrom)\(", line)
        if m:
            if cur == call and buf:
                yield bytes(buf)
            cur, buf = m.group(1), bytearray()
        elif line.startswith(" | ") and cur:
            buf += bytes.fromhex(" ".join(line[10:58].split()))
    if cur == call and buf:
        yield bytes(buf)


def messages(data):
    i = 0
    while i + 16 <= len(data):
        ln, ty, fl = struct.unpack("<IHH", data[i:i + 8])
        if ln < 16:
            break
        msg = bytearray(data[i:i + ln])
        msg[8:16] = bytes(8)  # seq and port id: per run, not part of the encoding
        yield ty, fl, bytes(msg)
        i += (ln + 3) // 4 * 4


def traced(ns, argv, call):
    with tempfile.NamedTemporaryFile("r", suffix=".trace") as t:
        r = subprocess.run(["ip", "netns", "exec", ns, "strace", "-f", "-o", t.name, "-e", "trace=sendmsg,sendto,recvmsg,recvfrom",
                            "-e", "write=3", "-e", "read=3", "-e", "verbose=none", "-xx", "-s", "65535", *argv],
                           capture_output=True, text=True)
        return r, list(netlink_buffers(open(t.name).read(), call))


def rule_chain(msg):
    i = 20
    while i + 4 <= len(msg):
        ln, ty = struct.unpack("<HH", msg[i:i + 4])
        if ty & 0x3fff == 2:
            return msg[i + 4:i + ln].rstrip(b"\0").decode()
        i += (ln + 3) // 4 * 4
    return None


def scenario(name, family, table, commands):
    program = "iptables-nft" if family == "ip" else "ip6tables-nft"
    ns = "cbt-xtcap-" + os.urandom(3).hex()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        print(f"== {name} {family} {table}")
        for args in commands:
            argv = ["-t", table, *args]
            r, sent = traced(ns, [program, *argv], "sendmsg")
            print("$ " + json.dumps(argv))
            if r.returncode not in (0, 1) or (r.returncode == 1 and args[0] != "-C"):
                sys.exit(f"{program} {argv} failed: {r.stderr}")
            for data in sent:
                for ty, fl, msg in messages(data):
                    if ty >> 8 == 10 and ty & 0xff in NAMES:
                        print(f"> {NAMES[ty & 0xff]} {fl:04x} {msg.hex()}")
        r, received = traced(ns, [program, "-t", table, "-S"], "recvmsg")
        for line in r.stdout.splitlines():
            print("S " + line)
        counts = {}
        for data in received:
            for ty, fl, msg in messages(data):
                if ty == (10 << 8 | 6):
                    chain = rule_chain(msg)
                    index = counts.get(chain, 0)
                    counts[chain] = index + 1
                    print(f"< {chain} {index} {msg.hex()}")
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def main():
    version = subprocess.run(["iptables-nft", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"# {version}, captured by tests/tools/xt-capture.py")
    for s in SCENARIOS:
        scenario(*s)


if __name__ == "__main__":
    main()
