#!/usr/bin/env bash
# Side-by-side benchmark of cnibox against Debian's Go plugins (/usr/lib/cni), run as root.
# Every row is measured in the same run for both, alternating execs (bench/spawn-timer.c: posix_spawn +
# wait4, no shell in the timed path). Prints one markdown table: median, min, max, ratio, peak RSS.
# Usage: bench/run.sh [RUNS] [SECTION]   (RUNS default 200; SECTION: all (default), loopback, host-local, cnitool)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
section=${2:-all}
[ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: run as root (it creates network namespaces)" >&2; exit 1; }
bash tests/deps.sh
[ -x out/cnibox ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cnibox-bench.XXXXXX)
ns="cbt-bench-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
gcc -O2 -o "$work/spawn-many" bench/spawn-many.c
mkdir "$work/bin"
CNIBOX_BIN=out/cnibox ./symlinks.sh "$work/bin" >/dev/null
ip netns add "$ns"
go=/usr/lib/cni
ours=$work/bin

# row LABEL STDIN PREPARE PLUGIN: times $ours/PLUGIN and $go/PLUGIN with the current CNI_* env.
row() {
  local label=$1 input=$2 prepare=$3 plugin=$4
  "$work/spawn-timer" "$runs" "$input" "$prepare" "$ours/$plugin" ::: "$go/$plugin" | summarize "$label"
}

summarize() { # LABEL, reading spawn-timer lines for index 0 (cnibox) and 1 (Go)
  awk -v label="$1" '
      { t[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3; if ($4 != 0) bad[$1]++ }
      function median(c,   i, j, k, a, tmp) {
        k = n[c]; for (i = 1; i <= k; i++) a[i] = t[c, i]
        for (i = 2; i <= k; i++) { tmp = a[i]; for (j = i - 1; j > 0 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
        lo[c] = a[1]; hi[c] = a[k]
        return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
      }
      END {
        o = median(0); g = median(1)
        flag = (bad[0] || bad[1]) ? sprintf(" (failed runs: %d/%d)", bad[0], bad[1]) : ""
        printf "| %-24s | %5.2f (%5.2f-%5.2f) | %5.2f (%5.2f-%5.2f) | %5.2f | %9d / %9d |%s\n",
          label, o / 1000, lo[0] / 1000, hi[0] / 1000, g / 1000, lo[1] / 1000, hi[1] / 1000, o / g, rss[0], rss[1], flag
      }'
}

conf=$work/loopback.json
echo '{"cniVersion":"1.0.0","name":"cbt-bench","type":"loopback"}' >"$conf"
export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$ns CNI_IFNAME=lo CNI_PATH=$ours

echo "cnibox $(out/cnibox --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins)"
echo "$runs runs per cell, alternating; kernel $(uname -r), $(nproc) cores; times in ms: median (min-max)"
echo
echo "| operation                | cnibox ms            | Go ms                | ratio | peak RSS KiB ours / Go |"
echo "|--------------------------|----------------------|----------------------|-------|------------------------|"
if [ "$section" = all ] || [ "$section" = loopback ]; then
CNI_COMMAND=VERSION row "VERSION" /dev/null "" loopback
CNI_COMMAND=ADD row "loopback ADD" "$conf" "ip -n $ns link set lo down" loopback
CNI_COMMAND=CHECK row "loopback CHECK" "$conf" "" loopback
CNI_COMMAND=DEL row "loopback DEL" "$conf" "ip -n $ns link set lo up" loopback
fi

# host-local: both implementations share one dataDir (the store format is the same), and PREPARE puts it back
# into the same state before every timed run, so each ADD/DEL does exactly the same work.
if [ "$section" = all ] || [ "$section" = host-local ]; then
hl=$work/host-local
hlnet=cbt-bench-hl
netdir=$hl/$hlnet
hlconf=$work/host-local.json
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"$hlnet\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"$hl\",\"ranges\":[[{\"subnet\":\"10.199.0.0/16\"}]]}}" >"$hlconf"
owner="printf 'bench\\r\\neth0' >"
export CNI_IFNAME=eth0
# Empty network: ADD takes 10.199.0.2 every time (no last_reserved_ip); DEL removes it.
CNI_COMMAND=ADD "$ours/host-local" <"$hlconf" >/dev/null
CNI_COMMAND=ADD row "host-local ADD, empty" "$hlconf" "rm -f $netdir/10.199.0.2 $netdir/last_reserved_ip.0" host-local
CNI_COMMAND=DEL row "host-local DEL, empty" "$hlconf" "$owner $netdir/10.199.0.2" host-local
# 5,000 allocations (10.199.0.2-10.199.19.137, 64-hex container ids as Kubernetes uses), written as Go writes them.
rm -f "$netdir"/10.250.*
python3 - "$netdir" <<'PY'
import hashlib, ipaddress, os, sys
d = sys.argv[1]
for i in range(5000):
    ip = ipaddress.IPv4Address("10.199.0.2") + i
    with open(os.path.join(d, str(ip)), "wb") as f:
        f.write(hashlib.sha256(str(i).encode()).hexdigest().encode() + b"\r\neth0")
PY
# ADD: the duplicate check reads every owner, then 10.199.19.138 is taken after last_reserved_ip 10.199.19.137.
CNI_COMMAND=ADD row "host-local ADD, 5000 held" "$hlconf" "rm -f $netdir/10.199.19.138; printf 10.199.19.137 >$netdir/last_reserved_ip.0" host-local
CNI_COMMAND=DEL row "host-local DEL, 5000 held" "$hlconf" "$owner $netdir/10.199.19.138" host-local
[ "$(ls "$netdir" | grep -c '^10\.')" -eq 5000 ] || { echo "host-local bench: the 5,000-allocation store changed" >&2; exit 1; }

# 200 concurrent ADDs on a fresh network, each with its own container id: wall time of the whole burst (median
# of 5 bursts per implementation, alternating), and a check that every call succeeded with a distinct IP.
burst() { # burst PLUGIN -> prints wall us; fails on any error or duplicate
  rm -rf "$netdir" "$work/burst"; mkdir "$work/burst"
  read -r us failed < <(CNI_COMMAND=ADD "$work/spawn-many" 200 "$hlconf" "$work/burst" "$1")
  local ips files
  ips=$(cat "$work/burst"/* | grep -o '"address": *"[^"]*"' | sort | uniq | wc -l)
  files=$(ls "$netdir" | grep -c '^10\.')
  if [ "$failed" -ne 0 ] || [ "$ips" -ne 200 ] || [ "$files" -ne 200 ]; then
    echo "host-local burst $1: $failed failed, $ips distinct IPs, $files IP files" >&2; exit 1
  fi
  echo "$us"
}
declare -a bo bg
for i in 1 2 3 4 5; do bo+=("$(burst "$ours/host-local")"); bg+=("$(burst "$go/host-local")"); done
med() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
o=$(med "${bo[@]}"); g=$(med "${bg[@]}")
printf "| %-24s | %5.1f                | %5.1f                | %5.2f | no duplicate IPs (200 distinct, 0 failed, both) |\n" \
  "200 concurrent ADDs, wall" "$(awk -v v="$o" 'BEGIN{print v/1000}')" "$(awk -v v="$g" 'BEGIN{print v/1000}')" "$(awk -v o="$o" -v g="$g" 'BEGIN{print o/g}')"
fi

# cnitool add/del of a bridge+host-local list, run inside a throwaway node netns: cnibox's cnitool driving our
# plugins vs the same cnitool driving Debian's Go plugins (CNI_PATH set through /usr/bin/env for both).
if [ "$section" = all ] || [ "$section" = cnitool ]; then
node="cbt-bench-node-$$" cont="cbt-bench-c-$$"
ip netns add "$node"; ip netns add "$cont"
trap 'ip netns del "$node" 2>/dev/null; ip netns del "$cont" 2>/dev/null; cleanup' EXIT
mkdir -p "$work/net.d" "$work/l3ipam" "$work/cache"
cat >"$work/net.d/10-bench.conflist" <<JSON
{"cniVersion":"1.0.0","name":"cbtbench","plugins":[{"type":"bridge","bridge":"cbtbench0","isGateway":true,
 "ipam":{"type":"host-local","dataDir":"$work/l3ipam","ranges":[[{"subnet":"10.199.240.0/24"}]]}}]}
JSON
export NETCONFPATH=$work/net.d CNI_CACHE_DIR=$work/cache CNI_IFNAME=eth0
reset="ip -n $cont link del eth0 2>/dev/null; rm -rf $work/l3ipam/* $work/cache/*"
added="$reset; CNI_PATH=$ours $ours/cnitool add cbtbench /var/run/netns/$cont >/dev/null"
l3row() { # LABEL VERB PREPARE
  ip netns exec "$node" "$work/spawn-timer" "$runs" /dev/null "$3" \
    /usr/bin/env CNI_PATH="$ours" "$ours/cnitool" "$2" cbtbench "/var/run/netns/$cont" ::: \
    /usr/bin/env CNI_PATH="$go" "$ours/cnitool" "$2" cbtbench "/var/run/netns/$cont" | summarize "$1"
}
l3row "cnitool add bridge+h-l" add "$reset"
l3row "cnitool del bridge+h-l" del "$added"
fi

size=$(stat -c %s out/cnibox)
go_all=$(du -cb "$go"/* | tail -1 | cut -f1)
echo
echo "| binary size | cnibox $(awk -v s="$size" 'BEGIN{printf "%.2f MB", s/1e6}') ($(out/cnibox --list | wc -l) applets, one file) | Go $(awk -v s="$go_all" 'BEGIN{printf "%.2f MB", s/1e6}') ($(ls "$go" | wc -l) files) | ratio $(awk -v o="$size" -v g="$go_all" 'BEGIN{printf "%.2f", o/g}') |"
