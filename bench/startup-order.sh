#!/usr/bin/env bash
# Regenerates startup.order, the ILC order file (CniBox.csproj: IlcOrderFile): the managed methods that typical
# plugin calls run, laid out together so that a call maps a few dense pages of the binary instead of ~40 scattered
# 64 KiB fault-around windows (peak RSS and page faults of every call). Run as root after code changes that move
# the plugin path; a method missing from the file only loses its place, nothing breaks.
# Usage: bench/startup-order.sh   (needs valgrind; about 1 min)
# Calls profiled (callgrind): VERSION, loopback ADD/CHECK/DEL, host-local ADD/DEL, bridge+host-local ADD/CHECK/DEL,
# ptp+host-local ADD/DEL, in netns cbt-ps-node-$$ / cbt-ps-c-$$ (10.199.245.0/24, bridge cbtps0 inside the node).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/startup-order.sh: run as root (it creates network namespaces)" >&2; exit 1; }
command -v valgrind >/dev/null || apt-get install -y valgrind >/dev/null
work=$(mktemp -d /tmp/cnibox-order.XXXXXX)
node="cbt-ps-node-$$" cont="cbt-ps-c-$$"
cleanup() { ip netns del "$cont" 2>/dev/null || true; ip netns del "$node" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# out/cnibox is stripped; the publish keeps its symbols next to the native link output.
bash tests/publish.sh
nm -n --defined-only bin/Release/net10.0/linux-x64/native/cnibox.dbg >"$work/nm"
cp out/cnibox "$work/cnibox"
mkdir "$work/bin"
CNIBOX_BIN=$work/cnibox ./symlinks.sh "$work/bin" >/dev/null
ip netns add "$node"; ip netns add "$cont"
ip -n "$node" link set lo up
n=0
call() { # call COMMAND PLUGIN CONFIG [IFNAME]
  n=$((n + 1))
  CNI_COMMAND=$1 CNI_CONTAINERID=order CNI_NETNS=/var/run/netns/$cont CNI_IFNAME=${4:-eth0} CNI_PATH=$work/bin \
    ip netns exec "$node" valgrind -q --tool=callgrind --dump-instr=yes --callgrind-out-file="$work/cg.$n" "$work/bin/$2" <"$3" >"$work/out.$n" 2>"$work/err.$n"
}
echo '{"cniVersion":"1.0.0","name":"cbt-ps","type":"loopback"}' >"$work/lo.json"
ipam="\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"$work/ipam\",\"ranges\":[[{\"subnet\":\"10.199.245.0/24\"}]]}"
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps\",\"type\":\"bridge\",\"bridge\":\"cbtps0\",\"isGateway\":true,$ipam}" >"$work/br.json"
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps\",\"type\":\"ptp\",$ipam}" >"$work/ptp.json"
cp "$work/br.json" "$work/hl.json"
call VERSION loopback "$work/lo.json" lo
call ADD loopback "$work/lo.json" lo
call CHECK loopback "$work/lo.json" lo
call DEL loopback "$work/lo.json" lo
call ADD host-local "$work/hl.json"
call DEL host-local "$work/hl.json"
call ADD bridge "$work/br.json"
jq --slurpfile r "$work/out.$n" '. + {prevResult: $r[0]}' "$work/br.json" >"$work/br-check.json"
call CHECK bridge "$work/br-check.json"
call DEL bridge "$work/br.json"
call ADD ptp "$work/ptp.json"
call DEL ptp "$work/ptp.json"
python3 bench/startup-order.py "$work/nm" "$work"/cg.* >startup.order
echo "startup.order: $(wc -l <startup.order) methods from $n calls" >&2
