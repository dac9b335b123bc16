#!/usr/bin/env python3
"""Reliability harness for issue 19: kill at any point, soak, concurrency, stale state after a reboot.

Everything runs inside a throwaway node netns (cbt-rk-node) that plays the host; containers are netns
cbt-rk-c<N>. The podman chain (bridge ipMasq + portmap + firewall + tuning) and the CRI chain (+ bandwidth)
run through `cnibox cnitool`, as a runtime would, with the libcni cache in /var/lib/cni/results.
Usage: harness.py kill|soak|concurrency|stale [--trials N] [--chain podman|cri|both] [--rounds N] [--width N]
Exit status 0 only when every check held; the last line is a JSON summary.
"""
import argparse, hashlib, json, os, random, re, shutil, signal, statistics, subprocess, sys, tempfile, time

TAG = os.environ.get("RK_TAG", "")   # lets runs side by side keep apart: netns, network names, /var/lib/cni dirs
NODE = f"cbt-rk-{TAG}node"
BIN = os.environ.get("CNIBOX_BIN") or os.path.join(os.path.dirname(__file__), "../../out/cnibox")
PLUGINS = ["bridge", "host-local", "portmap", "firewall", "tuning", "bandwidth", "loopback"]
CHAINS = {"podman": (f"cbtrk{TAG}-pod", "cbtrk0", "10.199.245"), "cri": (f"cbtrk{TAG}-cri", "cbtrk1", "10.199.246")}
PORT = {"podman": 18800, "cri": 18801}


def sh(cmd, check=True, **kw):
    r = subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError(f"{cmd}: rc {r.returncode}: {r.stdout}{r.stderr}")
    return r


def conflist(chain):
    net, bridge, prefix = CHAINS[chain]
    plugins = [
        {"type": "bridge", "bridge": bridge, "isGateway": True, "ipMasq": True,
         "ipam": {"type": "host-local", "ranges": [[{"subnet": prefix + ".0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
        {"type": "portmap", "capabilities": {"portMappings": True}},
        {"type": "firewall"},
        {"type": "tuning", "mtu": 1400, "sysctl": {"net.core.somaxconn": "512"}},
    ]
    if chain == "cri":
        plugins.append({"type": "bandwidth", "capabilities": {"bandwidth": True}})
    return {"cniVersion": "1.1.0", "name": net, "plugins": plugins}


class Node:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cbt-rk-")
        self.ids = set()
        os.makedirs(self.dir + "/bin"); os.makedirs(self.dir + "/net.d")
        for p in PLUGINS:
            os.symlink(os.path.abspath(BIN), f"{self.dir}/bin/{p}")
        for c in CHAINS:
            with open(f"{self.dir}/net.d/{c}.conflist", "w") as f:
                json.dump(conflist(c), f)
        sh(f"ip netns del {NODE}", check=False)
        sh(f"ip netns add {NODE} && ip -n {NODE} link set lo up")
        self.env = dict(os.environ, NETCONFPATH=self.dir + "/net.d", CNI_PATH=self.dir + "/bin")

    def close(self):
        for ns in os.listdir("/run/netns"):
            if ns.startswith(f"cbt-rk-{TAG}c"):
                sh(f"ip netns del {ns}", check=False)
        sh(f"ip netns del {NODE}", check=False)
        for root in ("/var/lib/cni/networks", "/var/lib/cni/firewall", "/var/lib/cni/portmap"):
            for net, _, _ in CHAINS.values():
                shutil.rmtree(f"{root}/{net}", ignore_errors=True)
        for d in ("/var/lib/cni/results", "/run/cni/tuning"):
            for f in os.listdir(d) if os.path.isdir(d) else []:
                if f.startswith(f"cbtrk{TAG}-") or any(i in f for i in self.ids):
                    os.unlink(f"{d}/{f}")
        shutil.rmtree(self.dir, ignore_errors=True)

    def container(self, n):
        ns = f"cbt-rk-{TAG}c{n}"
        sh(f"ip netns del {ns}", check=False)
        sh(f"ip netns add {ns}")
        path = f"/run/netns/{ns}"
        self.ids.add("cnitool-" + hashlib.sha512(path.encode()).hexdigest()[:20])
        return path

    def cnitool(self, verb, chain, netns, chain_env=True):
        env = dict(self.env)
        if verb == "add":
            env["CAP_ARGS"] = json.dumps({
                "portMappings": [{"hostPort": PORT[chain], "containerPort": 80, "protocol": "tcp"}],
                "bandwidth": {"ingressRate": 8000000, "ingressBurst": 80000, "egressRate": 8000000, "egressBurst": 80000}})
        return subprocess.Popen(["ip", "netns", "exec", NODE, BIN, "cnitool", verb, CHAINS[chain][0], netns],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, verb, chain, netns):
        p = self.cnitool(verb, chain, netns)
        out, err = p.communicate()
        return p.returncode, out, err

    def snapshot(self):
        """Everything of the test on the node: links, addresses, routes, rules, conntrack, files. The kernel's own
    asynchronous bridge state (carrier, linkdown, the fe80 address and its DAD) is not the test's and is left out."""
        n = f"ip -n {NODE}"
        s = {
            "links": sorted(re.sub(r"NO-CARRIER,|,LOWER_UP", "", re.sub(r"^\d+: ", "", l).split(" mtu")[0])
                            for l in sh(f"{n} -o link show").stdout.splitlines()),
            "addrs": re.sub(r" tentative| dadfailed", "", sh(f"{n} -o addr show | grep -v fe80 | sed 's/valid_lft.*//'").stdout),
            "routes": sh(f"{{ {n} route show table all; {n} -6 route show table all; }} | grep -v fe80 | sed 's/ linkdown//'").stdout,
            "nft": re.sub(r"counter packets \d+ bytes \d+", "counter", sh(f"ip netns exec {NODE} nft list ruleset").stdout),
            "iptables": "\n".join(l for l in sh(f"ip netns exec {NODE} sh -c 'iptables-save; ip6tables-save'").stdout.splitlines()
                                  if not l.startswith("#")).replace("[0:0]", ""),
            # the bridge's own IGMP reports (proto 2, to 224.0.0.22) are the kernel's, not the test's
            "conntrack": sh(f"ip netns exec {NODE} conntrack -L 2>/dev/null | grep 10.199.24 | grep -v 'dst=224\\.'",
                            check=False).stdout,
            "files": self.files(),
        }
        return s

    def files(self):
        found = []
        for root in ("/var/lib/cni/networks", "/var/lib/cni/firewall", "/var/lib/cni/portmap"):
            for net, _, _ in CHAINS.values():
                for dp, _, fs in os.walk(f"{root}/{net}"):
                    found += [f"{dp}/{f}" for f in fs if f != "lock" and not f.startswith("last_reserved_ip")]
        for d in ("/var/lib/cni/results", "/run/cni/tuning"):
            found += [f"{d}/{f}" for f in (os.listdir(d) if os.path.isdir(d) else [])
                      if f.startswith(f"cbtrk{TAG}-") or any(i in f for i in self.ids)]
        return sorted(found)


def diff(before, after):
    return {k: (before[k], after[k]) for k in before if before[k] != after[k]}


def settled_diff(node, before):
    """The kernel tears a deleted netns (and the host end of its veth) down asynchronously: wait up to 3 s for it."""
    for _ in range(30):
        after = node.snapshot()
        d = diff(before, after)
        if not d:
            return d, after
        time.sleep(0.1)
    return d, after


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def kill_plugin_after(p, delay):
    """SIGKILL the plugin the runtime is running at `delay` s; returns its name, or None when none ran then."""
    time.sleep(delay)
    for c in children(p.pid):
        try:
            name = os.path.basename(os.readlink(f"/proc/{c}/exe")) and open(f"/proc/{c}/comm").read().strip()
            os.kill(c, signal.SIGKILL)
            return name
        except OSError:
            pass
    return None


def warm(node, chain, n=0):
    ns = node.container(n)
    rc, out, err = node.run("add", chain, ns)
    assert rc == 0, f"warm-up ADD failed: {out}{err}"
    node.run("del", chain, ns)
    sh(f"ip netns del {os.path.basename(ns)}")
    return node.snapshot()


def kill(node, args, chain):
    base = warm(node, chain)
    stats = {"trials": 0, "killed": 0, "leaks": 0, "killedAdd": 0, "killedDel": 0, "plugins": {}}
    rng = random.Random(args.seed)
    for t in range(args.trials):
        ns = node.container(1)
        op = "add" if t % 2 == 0 else "del"
        if op == "del":
            rc, out, err = node.run("add", chain, ns)
            assert rc == 0, f"ADD before DEL failed: {out}{err}"
        p = node.cnitool(op, chain, ns)
        victim = kill_plugin_after(p, rng.uniform(0, args.max_delay))
        p.communicate()
        if victim:
            stats["killed"] += 1; stats["killed" + op.capitalize()] += 1
            stats["plugins"][victim] = stats["plugins"].get(victim, 0) + 1
        if (t // 2) % 2 == 1:                      # the runtime's DEL without the netns
            sh(f"ip netns del {os.path.basename(ns)}")
        rc, out, err = node.run("del", chain, ns)
        gc = node.run("gc", chain, ns)
        sh(f"ip netns del {os.path.basename(ns)}", check=False)
        stats["trials"] += 1
        if t % 100 == 99:
            print(f"{chain}: {t + 1} trials, {stats['leaks']} leaks", flush=True)
        d, after = settled_diff(node, base)
        if d or rc != 0 or gc[0] != 0:
            stats["leaks"] += 1
            print(f"LEAK trial {t} {op} killed={victim} del rc={rc} {out}{err} gc={gc}: {json.dumps(d)[:2000]}")
            base = after
    return stats


def soak(node, args, chain):
    base = warm(node, chain)
    ns = node.container(1)
    times, checks = [], []
    for c in range(args.trials):
        t0 = time.monotonic()
        rc1, o1, e1 = node.run("add", chain, ns)
        rc2, o2, e2 = node.run("del", chain, ns)
        times.append(time.monotonic() - t0)
        assert rc1 == 0 and rc2 == 0, f"cycle {c}: {o1}{e1}{o2}{e2}"
        if c % 100 == 99:
            nft = sh(f"ip netns exec {NODE} nft list ruleset | grep -c .").stdout.strip()
            ours = [f"{r}/{CHAINS[chain][0]}" for r in ("/var/lib/cni/networks", "/var/lib/cni/firewall", "/var/lib/cni/portmap")]
            du = sh(f"du -sb --apparent-size {' '.join(ours)} /dev/null 2>/dev/null | awk '{{s+=$1}} END {{print s}}'",
                    check=False).stdout.strip()
            fds = len(os.listdir("/proc/self/fd"))
            plugins = sh(f"pgrep -c -f '^{node.dir}/bin/'", check=False).stdout.strip()
            checks.append({"cycle": c + 1, "nftLines": int(nft), "stateBytes": int(du or 0), "harnessFds": fds,
                           "livePluginProcesses": int(plugins or 0), "files": len(node.files())})
    d, _ = settled_diff(node, base)
    first, last = statistics.median(times[:100]) * 1000, statistics.median(times[-100:]) * 1000
    return {"cycles": args.trials, "firstMedianMs": round(first, 1), "lastMedianMs": round(last, 1),
            "leaks": 1 if d else 0, "nftLines": sorted({c["nftLines"] for c in checks}),
            "stateBytes": sorted({c["stateBytes"] for c in checks}), "stateFiles": sorted({c["files"] for c in checks}),
            "harnessFds": sorted({c["harnessFds"] for c in checks}),
            "livePluginProcesses": max((c["livePluginProcesses"] for c in checks), default=0)}


def rule_count(node):
    return len([l for l in sh(f"ip netns exec {NODE} nft -a list ruleset").stdout.splitlines() if "# handle" in l and "chain " not in l and "table " not in l])


def concurrency(node, args, chain):
    base = warm(node, chain)
    base_rules = rule_count(node)
    ns1 = node.container(1000); node.run("add", chain, ns1)
    per = rule_count(node) - base_rules
    node.run("del", chain, ns1); sh(f"ip netns del cbt-rk-{TAG}c1000")
    stats = {"rounds": args.rounds, "width": args.width, "rulesPerContainer": per, "failures": 0, "duplicateIps": 0,
             "ruleMismatches": 0, "lockTimeouts": 0, "leaks": 0}
    for r in range(args.rounds):
        nss = [node.container(i) for i in range(1, args.width + 1)]
        procs = [node.cnitool("add", chain, ns) for ns in nss]
        outs = [p.communicate() + (p.returncode,) for p in procs]
        ips = []
        for out, err, rc in outs:
            if rc != 0:
                stats["failures"] += 1; stats["lockTimeouts"] += "lock" in (out + err).lower()
                print(f"round {r} ADD failed: {out}{err}")
                continue
            ips += [i["address"] for i in json.loads(out)["ips"]]
        stats["duplicateIps"] += len(ips) - len(set(ips))
        if rule_count(node) != base_rules + per * args.width:
            stats["ruleMismatches"] += 1
            print(f"round {r}: {rule_count(node)} rules after ADDs, expected {base_rules + per * args.width}")
        procs = [node.cnitool("del", chain, ns) for ns in nss]
        for p in procs:
            out, err = p.communicate()
            if p.returncode != 0:
                stats["failures"] += 1; stats["lockTimeouts"] += "lock" in (out + err).lower()
                print(f"round {r} DEL failed: {out}{err}")
        for ns in nss:
            sh(f"ip netns del {os.path.basename(ns)}")
        d, _ = settled_diff(node, base)
        if d:
            stats["leaks"] += 1; print(f"round {r} leak: {json.dumps(d)[:2000]}")
    return stats


def gc_with_valid(node, chain, valid):
    """A runtime's GC with valid attachments, as libcni's GCNetworkList: DEL every cached attachment of the network
    that is not valid (from its cache entry; the netns is gone), then each plugin's GC with the valid list."""
    conf = conflist(chain)
    for f in os.listdir("/var/lib/cni/results"):
        if f.startswith(conf["name"] + "-") and not any(f"-{cid}-" in f for cid in valid):
            with open(f"/var/lib/cni/results/{f}") as cache:
                netns = json.load(cache).get("netns") or ""
            rc, out, err = node.run("del", chain, netns)
            assert rc == 0, f"DEL of stale {f}: {out}{err}"
    attachments = [{"containerID": cid, "ifname": "eth0"} for cid in valid]
    for plugin in conf["plugins"]:
        stdin = json.dumps(dict(plugin, cniVersion=conf["cniVersion"], name=conf["name"],
                                **{"cni.dev/valid-attachments": attachments}))
        r = subprocess.run(["ip", "netns", "exec", NODE, f"{node.dir}/bin/{plugin['type']}"], input=stdin, text=True,
                           capture_output=True, env=dict(node.env, CNI_COMMAND="GC"))
        assert r.returncode == 0, f"GC of {plugin['type']}: {r.stdout}{r.stderr}"


def stale(node, args, chain):
    base = warm(node, chain)
    nss = [node.container(i) for i in range(1, 7)]
    for ns in nss:
        rc, out, err = node.run("add", chain, ns); assert rc == 0, out + err
    live = nss[:3]
    live_ids = ["cnitool-" + hashlib.sha512(ns.encode()).hexdigest()[:20] for ns in live]
    with_all = node.snapshot()
    for ns in nss[3:]:                               # lost DELs: the containers are gone, their state stays
        sh(f"ip netns del {os.path.basename(ns)}")
    gc_with_valid(node, chain, live_ids)
    after_gc = node.snapshot()
    live_ok = all(all(cid in " ".join(after_gc["files"]) for cid in live_ids) for _ in [0])
    gone_files = [f for f in after_gc["files"] if any(i in f for i in node.ids - set(live_ids)) and "cnitool-" in f]
    ip_files = [f for f in after_gc["files"] if "/networks/" in f]
    live_rc = [node.run("check", chain, ns)[0] for ns in live]
    for ns in live:                                  # the reboot: every namespace and link gone, /var/lib/cni kept
        sh(f"ip netns del {os.path.basename(ns)}")
    rc, out, err = node.run("gc", chain, f"/run/netns/cbt-rk-{TAG}gone")
    d = diff(base, node.snapshot())
    return {"containers": len(nss), "live": len(live), "ipFilesBefore": len([f for f in with_all["files"] if "/networks/" in f]),
            "ipFilesAfterValidGc": len(ip_files), "goneFilesAfterValidGc": len(gone_files), "liveKeptFiles": live_ok,
            "liveChecks": live_rc, "rebootGcRc": rc, "leaksAfterRebootGc": len(d), "leakDetail": d, "goneFiles": gone_files}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["kill", "soak", "concurrency", "stale"])
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--chain", default="both", choices=["podman", "cri", "both"])
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--width", type=int, default=50)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--max-delay", type=float, default=0.05, help="kill after a random 0..MAX_DELAY s")
    args = ap.parse_args()
    node, summary, ok = Node(), {}, True
    try:
        for chain in (["podman", "cri"] if args.chain == "both" else [args.chain]):
            t0 = time.monotonic()
            s = globals()[args.mode](node, args, chain)
            s["seconds"] = round(time.monotonic() - t0, 1)
            summary[chain] = s
            print(f"{args.mode} {chain}: {json.dumps(s)}", flush=True)
            ok &= s.get("leaks", 0) == 0 and s.get("failures", 0) == 0 and s.get("duplicateIps", 0) == 0 \
                and s.get("ruleMismatches", 0) == 0 and s.get("leaksAfterRebootGc", 0) == 0 \
                and s.get("goneFilesAfterValidGc", 0) == 0 and s.get("liveKeptFiles", True) \
                and all(rc == 0 for rc in s.get("liveChecks", []))
    finally:
        node.close()
    print(json.dumps({"mode": args.mode, "ok": ok, **summary}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
