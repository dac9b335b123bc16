#!/usr/bin/env bash
# Side-by-side benchmark of cnibox against Debian's Go plugins (/usr/lib/cni), run as root. See bench/README.md.
# Every row is measured in the same run for both, alternating execs (bench/spawn-timer.c: posix_spawn +
# wait4, no shell in the timed path). Prints one markdown table: median, min-max, ratio, `ip` floor, peak RSS.
# Usage: bench/run.sh [RUNS] [SECTION]
#   RUNS default 30; SECTION: all (default), loopback, host-local, bridge, ptp, ipmasq, cnitool, tuning, portmap, bandwidth, firewall, macvlan, hostdev,
#   cri-burst (100 concurrent CRI-chain ADDs; not in all)
#   BENCH_BASELINE=DIR: time DIR's plugins in place of /usr/lib/cni (A/B of two cnibox builds)
#   CNIBOX_BIN=FILE: the cnibox binary to time (default out/cnibox)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
section=${2:-all}
[ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: run as root (it creates network namespaces)" >&2; exit 1; }
bash tests/deps.sh
cnibox=${CNIBOX_BIN:-out/cnibox}
[ -n "${CNIBOX_BIN:-}" ] || [ -x out/cnibox ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cnibox-bench.XXXXXX)
ns="cbt-bench-$$" node="cbt-bench-node-$$" cont="cbt-bench-c-$$"
cleanup() {
  for n in "$ns" "$node" "$cont" "cbt-bench-pmo-$$" "cbt-bench-pmg-$$" "cbt-fb-o-$$" "cbt-fb-g-$$" "cbt-fb-n-$$" \
    $(ip netns list | grep -o "^cbt-bench-cc-$$-[0-9]*"); do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work" /var/lib/cni/portmap/cbt-bench-pm-$$ /var/lib/cni/firewall/cbt-bench-fw-$$
}
trap cleanup EXIT
trap 'exit 130' INT TERM
gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
gcc -O2 -o "$work/spawn-many" bench/spawn-many.c
mkdir "$work/bin"
CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
ip netns add "$ns"
# BENCH_BASELINE=DIR puts another plugin dir (e.g. symlinks to an older cnibox) in the Go column: an A/B run.
go=${BENCH_BASELINE:-/usr/lib/cni}
ours=$work/bin
ipcmd=$(command -v ip)
# shellcheck source=bench/lib.sh
source bench/lib.sh
want() { [ "$section" = all ] || [ "$section" = "$1" ]; }

conf=$work/loopback.json
echo '{"cniVersion":"1.0.0","name":"cbt-bench","type":"loopback"}' >"$conf"
export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$ns CNI_IFNAME=lo CNI_PATH=$ours

if [ -n "${BENCH_BASELINE:-}" ]; then echo "A/B: cnibox $("$work/bin/cnibox" --version) (cnibox column) vs $go (Go column)"
else echo "cnibox $("$work/bin/cnibox" --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins)"; fi
echo "$runs runs per cell, alternating; kernel $(uname -r), $(nproc) cores; times in ms: median (min-max); ip floor: median"
echo
echo "| operation                  | cnibox ms             | Go ms                 | ratio | ip floor | RSS KiB ours / Go |"
echo "|----------------------------|-----------------------|-----------------------|-------|----------|-------------------|"
if want loopback; then
# The floor of VERSION is the exec of a do-nothing static-free binary: what any process start costs here.
CNI_COMMAND=VERSION row "VERSION (floor: /bin/true)" /dev/null "" loopback /bin/true
CNI_COMMAND=ADD row "loopback ADD" "$conf" "ip -n $ns link set lo down" loopback
CNI_COMMAND=CHECK row "loopback CHECK" "$conf" "" loopback
CNI_COMMAND=DEL row "loopback DEL" "$conf" "ip -n $ns link set lo up" loopback
fi

# host-local: both implementations share one dataDir (the store format is the same), and PREPARE puts it back
# into the same state before every timed run, so each ADD/DEL does exactly the same work.
if want host-local; then
hl=$work/host-local
hlnet=cbt-bench-hl
netdir=$hl/$hlnet
hlconf=$work/host-local.json
netconf "$hlconf" "$hlnet" bridge 10.199.0.0/16 "$hl"
owner="printf 'bench\\r\\neth0' >"
export CNI_IFNAME=eth0
# Empty network: ADD takes 10.199.0.2 every time (no last_reserved_ip); DEL removes it.
CNI_COMMAND=ADD "$ours/host-local" <"$hlconf" >/dev/null
CNI_COMMAND=ADD row "host-local ADD, empty" "$hlconf" "rm -f $netdir/10.199.0.2 $netdir/last_reserved_ip.0" host-local
CNI_COMMAND=DEL row "host-local DEL, empty" "$hlconf" "$owner $netdir/10.199.0.2" host-local
# 5,000 allocations (10.199.0.2-10.199.19.137, 64-hex container ids as Kubernetes uses), written as Go writes them.
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
printf "| %-26s | %6.1f                | %6.1f                | %5.2f |          | no duplicate IPs (200 distinct, 0 failed, both) |\n" \
  "200 concurrent ADDs, wall" "$(awk -v v="$o" 'BEGIN{print v/1000}')" "$(awk -v v="$g" 'BEGIN{print v/1000}')" "$(awk -v o="$o" -v g="$g" 'BEGIN{print o/g}')"
fi

# Everything that touches links, addresses, routes or netfilter runs inside a throwaway host-like node netns.
if want bridge || want ptp || want ipmasq || want cnitool || [ "$section" = cri-burst ] || want tuning || want portmap || want bandwidth || want firewall || want macvlan || want hostdev; then
  ip netns add "$node"; ip netns add "$cont"
  ip -n "$node" link set lo up
  export CNI_NETNS=/var/run/netns/$cont CNI_IFNAME=eth0
  # shellcheck source=bench/l3.sh
  source bench/l3.sh
  # shellcheck source=bench/tuning.sh
  source bench/tuning.sh
  # shellcheck source=bench/portmap.sh
  source bench/portmap.sh
  # shellcheck source=bench/bandwidth.sh
  if want bandwidth; then source bench/bandwidth.sh; fi
  # shellcheck source=bench/firewall.sh
  source bench/firewall.sh
  # shellcheck source=bench/macvlan.sh
  source bench/macvlan.sh
  # shellcheck source=bench/hostdev.sh
  source bench/hostdev.sh
fi

size=$(stat -c %s "$cnibox")
go_all=$(du -cb "$go"/* | tail -1 | cut -f1)
echo
echo "| binary size | cnibox $(awk -v s="$size" 'BEGIN{printf "%.2f MB", s/1e6}') ($("$work/bin/cnibox" --list | wc -l) applets, one file) | Go $(awk -v s="$go_all" 'BEGIN{printf "%.2f MB", s/1e6}') ($(ls "$go" | wc -l) files) | ratio $(awk -v o="$size" -v g="$go_all" 'BEGIN{printf "%.2f", o/g}') |"
echo
echo "total elapsed: ${SECONDS}s"
