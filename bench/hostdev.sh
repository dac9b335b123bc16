#!/usr/bin/env bash
# host-device and sbr rows, cnibox vs Go, in the style of bench/tuning.sh: sourced by bench/run.sh (section
# "hostdev", inside its node netns $node against $cont), or run alone: sudo bench/hostdev.sh [RUNS] (default 30),
# which sets up the same scaffolding (spawn-timer, applet dir, a node and a container netns) and prints the rows.
# host-device moves cbthdbench0 (a veth end in the node) into the container as eth0 with a static IPv4 address;
# PREPARE gives every timed run a fresh veth and no host-device record, and for DEL then runs an untimed ADD with
# the implementation about to be timed. sbr works on the container's eth0 (10.199.219.2/24, default route via .1);
# PREPARE recreates it and drops its rule, and for DEL runs an untimed ADD the same way.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  [ "$(id -u)" -eq 0 ] || { echo "bench/hostdev.sh: run as root (it creates network namespaces)" >&2; exit 1; }
  runs=${1:-30}
  cnibox=${CNIBOX_BIN:-out/cnibox}
  [ -n "${CNIBOX_BIN:-}" ] || [ -x out/cnibox ] || bash tests/publish.sh
  work=$(mktemp -d /tmp/cnibox-bench.XXXXXX)
  node="cbt-hd-bn-$$" cont="cbt-hd-bc-$$"
  trap 'ip netns del "$node" 2>/dev/null; ip netns del "$cont" 2>/dev/null; rm -rf "$work" /run/cni/host-device/bench_eth0' EXIT
  trap 'exit 130' INT TERM
  gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
  mkdir "$work/bin"
  CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
  go=${BENCH_BASELINE:-/usr/lib/cni} ours=$work/bin
  # shellcheck source=bench/lib.sh
  source bench/lib.sh
  want() { true; }
  ip netns add "$node"; ip netns add "$cont"; ip -n "$node" link set lo up
  export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$cont CNI_IFNAME=eth0
  echo "cnibox $("$work/bin/cnibox" --version) vs $go; $runs runs per cell, alternating; times in ms: median (min-max)"
  echo
  echo "| operation                  | cnibox ms             | Go ms                 | ratio | ip floor | RSS KiB ours / Go |"
  echo "|----------------------------|-----------------------|-----------------------|-------|----------|-------------------|"
fi

if want hostdev; then
  hdconf=$work/host-device.json
  echo '{"cniVersion":"1.0.0","name":"cbtbench-hd","type":"host-device","device":"cbthdbench0",
 "ipam":{"type":"static","addresses":[{"address":"10.199.219.2/24","gateway":"10.199.219.1"}]}}' >"$hdconf"
  hdreset="ip -n $cont link del eth0 2>/dev/null; ip -n $node link del cbthdbench0 2>/dev/null;
 ip -n $node link add cbthdbench0 type veth peer name cbthdbench1 && ip -n $node link set cbthdbench1 up; rm -f /run/cni/host-device/bench_eth0"
  noderow "host-device ADD" ADD "$hdconf" "$hdreset" host-device
  noderow "host-device DEL" DEL "$hdconf" "$hdreset; CNI_COMMAND=ADD \$CNI_PATH/host-device <$hdconf >/dev/null" host-device
  ip -n "$cont" link del eth0 2>/dev/null || true
  ip -n "$node" link del cbthdbench0 2>/dev/null || true

  sbrconf=$work/sbr.json
  cat >"$sbrconf" <<JSON
{"cniVersion":"1.0.0","name":"cbtbench-sbr","type":"sbr",
 "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/var/run/netns/$cont"}],
  "ips":[{"address":"10.199.219.2/24","gateway":"10.199.219.1","interface":0}]}}
JSON
  sbrreset="ip -n $cont link del eth0 2>/dev/null; while ip -n $cont rule del from 10.199.219.2 2>/dev/null; do :; done;
 ip -n $cont link add eth0 type veth peer name cbthdbench2 && ip -n $cont addr add 10.199.219.2/24 dev eth0 &&
 ip -n $cont link set eth0 up && ip -n $cont link set cbthdbench2 up && ip -n $cont route add default via 10.199.219.1 dev eth0"
  noderow "sbr ADD" ADD "$sbrconf" "$sbrreset" sbr
  noderow "sbr DEL" DEL "$sbrconf" "$sbrreset; CNI_COMMAND=ADD \$CNI_PATH/sbr <$sbrconf >/dev/null 2>&1" sbr
  ip -n "$cont" link del eth0 2>/dev/null || true
fi
