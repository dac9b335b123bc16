#!/usr/bin/env bash
# macvlan + dhcp ADD and DEL against dnsmasq, cnibox (its plugin and `cnibox dhcp daemon`) vs Debian's Go plugins
# and Go's daemon (/usr/lib/cni/dhcp daemon), alternating in one run. A node netns (cbt-dh-bench-n-*) holds the
# macvlan master cbtdhbm0, whose veth peer is in a server netns running dnsmasq (--no-ping, 10.199.231.0/24, 1h
# leases); each daemon runs in the node netns with its socket in a temp dir. Each timed call is one
# `ip netns exec NODE PLUGIN` process, DEL includes the DHCPRELEASE. Then the daemons' memory: RSS after 20, 100,
# 500 ... CYCLES ADD/DEL cycles of the dhcp plugin alone on a prepared eth0; Go's daemon only to GO_CYCLES (default
# 50: its ADD takes about 2 s here). Prints markdown rows: median (min-max) ms, ratio of medians; RSS KiB. Run as root.
# Usage: bench/dhcp.sh [RUNS] [CYCLES]   (default 20 and 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
cycles=${2:-1000}
[ "$(id -u)" -eq 0 ] || { echo "bench/dhcp.sh: run as root (it creates network namespaces)" >&2; exit 1; }
command -v dnsmasq >/dev/null || bash tests/deps.sh
cnibox=${CNIBOX_BIN:-out/cnibox}
[ -x "$cnibox" ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cbt-dh-bench.XXXXXX)
node=cbt-dh-bench-n-$$ srv=cbt-dh-bench-s-$$ cont=cbt-dh-bench-c-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  for ns in "$cont" "$srv" "$node"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$work/bin"
CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
for ns in "$node" "$srv" "$cont"; do ip netns add "$ns"; done
ip -n "$node" link add cbtdhbm0 type veth peer name cbtdhbm1 netns "$srv"
ip -n "$node" link set cbtdhbm0 up
ip -n "$srv" addr add 10.199.231.1/24 dev cbtdhbm1
ip -n "$srv" link set cbtdhbm1 up
ip netns exec "$srv" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root \
  --bind-interfaces --interface=cbtdhbm1 --dhcp-authoritative --no-ping --dhcp-leasefile="$work/leases" \
  --pid-file="$work/dnsmasq.pid" --dhcp-range=10.199.231.20,10.199.231.250,255.255.255.0,1h \
  --dhcp-option=option:dns-server,10.199.251.53 2>/dev/null &
pids+=($!)
ip netns exec "$node" "$cnibox" dhcp daemon -socketpath "$work/ours.sock" -statedir "$work/state" 2>"$work/ours.log" &
pids+=($!); ourpid=$!
ip netns exec "$node" /usr/lib/cni/dhcp daemon -socketpath "$work/go.sock" >"$work/go.log" 2>&1 &
pids+=($!); gopid=$!
for s in ours go; do for _ in $(seq 100); do [ -S "$work/$s.sock" ] && break; sleep 0.05; done; done
declare -A dir=([ours]=$work/bin [go]=/usr/lib/cni)
for s in ours go; do
  echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbtbench-dh\",\"type\":\"macvlan\",\"master\":\"cbtdhbm0\",\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"$work/$s.sock\"}}" >"$work/$s.json"
done
export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$cont CNI_IFNAME=eth0
call() { # IMPL VERB PLUGIN CONF: prints ms, fails the run on a plugin error
  local t0=$EPOCHREALTIME
  CNI_COMMAND=$2 CNI_PATH=${dir[$1]} ip netns exec "$node" "${dir[$1]}/$3" <"$4" >"$work/out" || { cat "$work/out" >&2; exit 1; }
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
for ((i = 0; i < runs; i++)); do
  for s in ours go; do
    echo "$s ADD $(call $s ADD macvlan "$work/$s.json")" >>"$work/times"
    echo "$s DEL $(call $s DEL macvlan "$work/$s.json")" >>"$work/times"
  done
done
stats() { # VERB IMPL
  awk -v v="$1" -v s="$2" '$1 == s && $2 == v { a[++n] = $3 } END {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2; printf "%.2f %.2f %.2f\n", m, a[1], a[n] }' "$work/times"
}
echo "cnibox $("$cnibox" --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins); dnsmasq $(dnsmasq --version | awk 'NR==1 {print $3}')"
echo "$runs runs per cell, alternating; kernel $(uname -r), $(nproc) cores; times in ms: median (min-max)"
echo
echo "| operation                  | cnibox ms             | Go ms                 | ratio |"
echo "|----------------------------|-----------------------|-----------------------|-------|"
for verb in ADD DEL; do
  read -r om olo ohi < <(stats $verb ours)
  read -r gm glo ghi < <(stats $verb go)
  printf "| %-26s | %6.2f (%5.2f-%6.2f) | %6.2f (%5.2f-%6.2f) | %5.2f |\n" "macvlan+dhcp $verb" "$om" "$olo" "$ohi" "$gm" "$glo" "$ghi" \
    "$(awk -v a="$om" -v b="$gm" 'BEGIN { printf "%.2f", a / b }')"
done

# Memory: the dhcp plugin alone on a macvlan eth0 made once.
ip -n "$node" link add cbtdhbx link cbtdhbm0 type macvlan mode bridge
ip -n "$node" link set cbtdhbx netns "$cont"
ip -n "$cont" link set cbtdhbx name eth0
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
declare -A marks
for s in ours go; do
  daemon=$ourpid n=$cycles
  [ $s = go ] && daemon=$gopid n=${GO_CYCLES:-50}
  # $daemon is `ip netns exec`, which execs the daemon: the same PID.
  for ((i = 1; i <= n; i++)); do
    CNI_COMMAND=ADD CNI_PATH=${dir[$s]} ip netns exec "$node" "${dir[$s]}/dhcp" <"$work/$s.json" >/dev/null
    CNI_COMMAND=DEL CNI_PATH=${dir[$s]} ip netns exec "$node" "${dir[$s]}/dhcp" <"$work/$s.json" >/dev/null
    case $i in 20 | 100 | 500 | "$n") marks[$s]+=" $i:$(rss "$daemon")" ;; esac
  done
done
echo
echo "| daemon RSS KiB after N ADD/DEL cycles (N:KiB) |"
echo "|-----------------------------------------------|"
for s in ours go; do printf "| %-4s %s |\n" "$s" "${marks[$s]}"; done
