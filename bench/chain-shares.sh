#!/usr/bin/env bash
# Each plugin's share of podman's chain (bridge ipMasq + portmap + firewall + tuning) and of containerd's CRI chain
# (+ bandwidth), ADD and DEL through our cnitool, with our plugins and with Debian's Go plugins (/usr/lib/cni), and
# the floor of the chain DEL: the same kernel work done by the cheapest tools.
#   shares: cnitool runs its plugins from a CNI_PATH of timing shims (a static C program, one symlink per plugin
#           name): each shim spawns the real plugin, waits, and logs its wall time, which covers whatever the plugin
#           execs (Go's host-local and iptables). host-local itself is no shim (our bridge runs it in-process, Go's
#           execs it). cnitool's part is the run's total (bench/spawn-timer.c) minus its plugins, so it also carries
#           the shims' own start (~0.2 ms each). Medians of RUNS runs, alternating ours and Go.
#   floor:  after an untimed ADD of ours, `ip -n CONT link del eth0` (the veth; the bridge port goes with it),
#           `ip link del` of the ifb bandwidth made (CRI), and one `nft -f` deleting exactly the rules and chains our
#           DEL deletes (found by diffing `nft -j -a list ruleset` before and after that ADD), run one after another.
#           No processes for the file work (host-local, portmap and firewall records): that is not kernel waiting.
# Everything runs inside a node netns cbt-dlf-cs-node-PID against the container netns cbt-dlf-cs-c-PID; bridges
# cbtdlf5 (10.199.171.0/24, podman) and cbtdlf6 (10.199.172.0/24, CRI), host port 8080.
# Usage: bench/chain-shares.sh [RUNS]   (default 10; CNIBOX_BIN=FILE times another cnibox build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
[ "$(id -u)" -eq 0 ] || { echo "bench/chain-shares.sh: run as root (it creates network namespaces)" >&2; exit 1; }
cnibox=${CNIBOX_BIN:-out/cnibox}
[ -n "${CNIBOX_BIN:-}" ] || [ -x out/cnibox ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cnibox-chain-shares.XXXXXX)
node="cbt-dlf-cs-node-$$" cont="cbt-dlf-cs-c-$$"
pod=cbtdlf-pod-$$ cri=cbtdlf-cri-$$
cleanup() {
  ip netns del "$cont" 2>/dev/null || true
  ip netns del "$node" 2>/dev/null || true
  rm -rf "$work" /var/lib/cni/portmap/"$pod" /var/lib/cni/portmap/"$cri" /var/lib/cni/firewall/"$pod" /var/lib/cni/firewall/"$cri"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
mkdir "$work/bin" "$work/net.d" "$work/cache" "$work/ipam"
CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
ours=$work/bin go=/usr/lib/cni
ip netns add "$node"; ip netns add "$cont"
ip -n "$node" link set lo up
# shellcheck source=bench/lib.sh
source bench/lib.sh
cat >"$work/net.d/20-$pod.conflist" <<JSON
{"cniVersion":"1.0.0","name":"$pod","plugins":[
 {"type":"bridge","bridge":"cbtdlf5","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","dataDir":"$work/ipam","ranges":[[{"subnet":"10.199.171.0/24"}]]}},
 {"type":"portmap","capabilities":{"portMappings":true}},{"type":"firewall","backend":""},{"type":"tuning"}]}
JSON
cat >"$work/net.d/30-$cri.conflist" <<JSON
{"cniVersion":"1.0.0","name":"$cri","plugins":[
 {"type":"bridge","bridge":"cbtdlf6","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","dataDir":"$work/ipam","ranges":[[{"subnet":"10.199.172.0/24"}]]}},
 {"type":"portmap","capabilities":{"portMappings":true}},{"type":"firewall"},{"type":"tuning"},
 {"type":"bandwidth","capabilities":{"bandwidth":true}}]}
JSON
export NETCONFPATH=$work/net.d CNI_CACHE_DIR=$work/cache
podcaps='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}'
cricaps=$(cri_caps 8080)
innode() { ip netns exec "$node" "$@"; }
# tool DIR VERB NET CAPS: one cnitool call with DIR's plugins, quiet.
tool() { CNI_PATH=$1 CAP_ARGS=$4 innode "$ours/cnitool" "$2" "$3" "/var/run/netns/$cont" >/dev/null 2>&1; }
# reset NET CAPS: nothing of the network left, whoever added it.
reset() { tool "$ours" del "$1" "$2" || true; tool "$go" del "$1" "$2" || true; ip -n "$cont" link del eth0 2>/dev/null || true; rm -rf "${work:?}/cache/"*; }

# The timing shim: argv[0]'s basename is the plugin, CHAIN_REAL_DIR holds it, CHAIN_LOG gets "name ms".
cat >"$work/shim.c" <<'C'
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
int main(int argc, char **argv) {
  const char *slash = strrchr(argv[0], '/'), *name = slash ? slash + 1 : argv[0];
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", getenv("CHAIN_REAL_DIR"), name);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t pid;
  argv[0] = path;
  if (posix_spawn(&pid, path, NULL, NULL, argv, environ) != 0) return 127;
  int status;
  if (waitpid(pid, &status, 0) < 0) return 127;
  clock_gettime(CLOCK_MONOTONIC, &b);
  FILE *log = fopen(getenv("CHAIN_LOG"), "a");
  if (log) { fprintf(log, "%s %.3f\n", name, (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6); fclose(log); }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
C
gcc -O2 -static -o "$work/shim" "$work/shim.c"
for impl in ours go; do
  mkdir "$work/shim-$impl"
  for p in bridge portmap firewall tuning bandwidth; do ln -s "$work/shim" "$work/shim-$impl/$p"; done
done
ln -s "$ours/cnibox" "$work/shim-ours/host-local"   # the same file as the bridge's, so it stays in-process
ln -s "$go/host-local" "$work/shim-go/host-local"

# shares NET CAPS LABEL: RUNS alternating ADDs (and DELs) of ours and Go through the shims; prints the table's rows.
shares() {
  local net=$1 caps=$2 label=$3 verb
  local undo="CNI_PATH=$ours $ours/cnitool del $net /var/run/netns/$cont >/dev/null 2>&1; CNI_PATH=$go $ours/cnitool del $net /var/run/netns/$cont >/dev/null 2>&1; ip -n $cont link del eth0 2>/dev/null; rm -rf $work/cache/*"
  for verb in add del; do
    local prep=$undo
    [ "$verb" = del ] && prep="$undo; CNI_PATH=\$CHAIN_REAL_DIR $ours/cnitool add $net /var/run/netns/$cont >/dev/null"
    : >"$work/log.$verb"
    CAP_ARGS=$caps CHAIN_LOG=$work/log.$verb innode "$work/spawn-timer" "$runs" /dev/null "$prep; echo \"=== \$BENCH_I\" >>$work/log.$verb" \
      CNI_PATH="$work/shim-ours" CHAIN_REAL_DIR="$ours" "$ours/cnitool" "$verb" "$net" "/var/run/netns/$cont" ::: \
      CNI_PATH="$work/shim-go" CHAIN_REAL_DIR="$go" "$ours/cnitool" "$verb" "$net" "/var/run/netns/$cont" >"$work/total.$verb"
  done
  innode sh -c "$undo"
  # Per run: the plugins' lines after its "=== i" marker, its total from spawn-timer (same order); medians per part.
  awk -v label="$label" '
    FNR == 1 { file++ }
    file == 1 || file == 3 { if ($1 == "===") { run[file]++; impl[file, run[file]] = $2 } else ms[file, run[file], $1] += $2; next }
    { r = ++tr[file]; tot[file - 1, r] = $2 / 1000; if ($4 != 0) failed[(file == 2) ? "ADD" : "DEL"]++ }
    function add(v, key) { vals[key, ++cnt[key]] = v }
    function med(key,   k, i, j, t, a) {
      k = cnt[key]; if (!k) return "-"
      for (i = 1; i <= k; i++) a[i] = vals[key, i]
      for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return sprintf("%.1f", (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2)
    }
    END {
      n = split("bridge portmap firewall tuning bandwidth", parts, " ")
      for (f = 1; f <= 3; f += 2) {
        verb = (f == 1) ? "add" : "del"
        for (r = 1; r <= run[f]; r++) {
          who = impl[f, r] ? "go" : "ours"; sum = 0
          for (p = 1; p <= n; p++) if ((f, r, parts[p]) in ms) { add(ms[f, r, parts[p]], who verb parts[p]); sum += ms[f, r, parts[p]]; seen[parts[p]] = 1 }
          add(tot[f, r] - sum, who verb "cnitool"); add(tot[f, r], who verb "total")
        }
      }
      parts[++n] = "cnitool"; seen["cnitool"] = 1; parts[++n] = "total"; seen["total"] = 1
      for (p = 1; p <= n; p++) if (seen[parts[p]])
        printf "| %-6s %-21s | %8s | %7s | %8s | %7s |\n", label, parts[p], med("oursadd" parts[p]), med("goadd" parts[p]), med("oursdel" parts[p]), med("godel" parts[p])
      for (v in failed) printf "**%s: %d failed %s runs**\n", label, failed[v], v
    }' "$work/log.add" "$work/total.add" "$work/log.del" "$work/total.del"
}

# The floor of NET's DEL: an untimed ADD of ours, the rules, chains and links it made, and those deleted by tools.
# Calibration: which of the objects the ADD makes does our DEL remove (rules and chains; tables stay).
cat >"$work/nftdiff.py" <<'PY'
import json, sys
def objs(path):
    out = {}
    for e in json.load(open(path))["nftables"]:
        for kind in ("rule", "chain"):
            if kind in e:
                o = e[kind]
                key = (kind, o["family"], o["table"], o.get("chain", o.get("name")),
                       json.dumps(o.get("expr"), sort_keys=True) + str(o.get("comment")) if kind == "rule" else "")
                out.setdefault(key, []).append(o["handle"])
    return out
mode, before, after = sys.argv[1:4]
b, a = objs(before), objs(after)
made = {k: [h for h in v if h not in b.get(k, [])] for k, v in a.items()}
if mode == "made":          # objects ADD made, as keys
    for k, hs in made.items():
        for h in hs: print(json.dumps([list(k), h]))
else:                       # mode "delete": nft commands deleting the made objects whose keys our DEL removed
    # Rules carry the container's address, new at every ADD: all the ADD's rules go (our DEL leaves none of them);
    # chains are compared by name, and those the calibration DEL left stay.
    left = {tuple(json.loads(l)[0][:4]) for l in open(sys.argv[4])}
    rules = [(k, h) for k, hs in made.items() if k[0] == "rule" for h in hs]
    chains = [(k, h) for k, hs in made.items() if k[0] == "chain" and k[:4] not in left for h in hs]
    for k, h in rules: print(f"delete rule {k[1]} {k[2]} {k[3]} handle {h}")
    for k, h in chains: print(f"delete chain {k[1]} {k[2]} handle {h}")
PY
ruleset() { ip netns exec "$node" nft -j -a list ruleset >"$1"; }
links() { ip -n "$node" -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
floor() { # floor NET CAPS LABEL
  local net=$1 caps=$2 label=$3
  reset "$net" "$caps"
  ruleset "$work/r0"; links >"$work/l0"
  tool "$ours" add "$net" "$caps"; ruleset "$work/r1"
  tool "$ours" del "$net" "$caps"; ruleset "$work/r2"
  python3 "$work/nftdiff.py" made "$work/r0" "$work/r1" >"$work/made"
  python3 "$work/nftdiff.py" made "$work/r0" "$work/r2" >"$work/left"
  # The floor's PREPARE: ADD, then the exact nft deletes and the ifb (links made besides the veth's host end).
  cat >"$work/floor-prepare" <<SH
CNI_PATH=$ours CAP_ARGS='$caps' $ours/cnitool del $net /var/run/netns/$cont >/dev/null 2>&1; ip -n $cont link del eth0 2>/dev/null; rm -rf $work/cache/*
nft -j -a list ruleset >$work/p0; ip -o link show | awk -F': ' '{print \$2}' | sed 's/@.*//' | sort >$work/pl0
CNI_PATH=$ours CAP_ARGS='$caps' $ours/cnitool add $net /var/run/netns/$cont >/dev/null
nft -j -a list ruleset >$work/p1
python3 $work/nftdiff.py delete $work/p0 $work/p1 $work/left >$work/floor.nft
ip -o link show | awk -F': ' '{print \$2}' | sed 's/@.*//' | sort | comm -13 $work/pl0 - | grep -v '^veth' | sed 's/^/link del /' >$work/floor.links
echo "link show lo" >>$work/floor.links
SH
  innode "$work/spawn-timer" "$runs" /dev/null "sh $work/floor-prepare" \
    "$(command -v ip)" -n "$cont" link del eth0 +++ "$(command -v ip)" -batch "$work/floor.links" +++ "$(command -v nft)" -f "$work/floor.nft" \
    >"$work/floor.times"
  local nrules nchains
  nrules=$(grep -c '^delete rule' "$work/floor.nft" || true); nchains=$(grep -c '^delete chain' "$work/floor.nft" || true)
  awk -v label="$label" -v r="$nrules" -v c="$nchains" -v l="$(grep -c '^link del' "$work/floor.links" || true)" '
    { a[++k] = $2 / 1000; if ($4 != 0) bad++ }
    END { for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
          printf "| %-6s %-21s |          |         | %8.1f |         | ip link del eth0; ip -batch: %d link del; nft -f: %d rules, %d chains deleted\n",
            label, "floor (tools)", (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2, l, r, c
          if (bad) printf "**%d of %d floor runs failed**\n", bad, k }' "$work/floor.times"
  innode sh -c "CNI_PATH=$ours CAP_ARGS='$caps' $ours/cnitool del $net /var/run/netns/$cont >/dev/null 2>&1" || true
}

echo "cnibox $("$ours/cnibox" --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins), both through cnibox's cnitool"
echo "$runs runs per cell, alternating; kernel $(uname -r), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg); ms, medians"
echo
echo "| chain part                   | ours ADD | Go ADD  | ours DEL | Go DEL  |"
echo "|------------------------------|----------|---------|----------|---------|"
shares "$pod" "$podcaps" podman
floor "$pod" "$podcaps" podman
shares "$cri" "$cricaps" CRI
floor "$cri" "$cricaps" CRI
