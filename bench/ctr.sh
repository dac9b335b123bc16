#!/usr/bin/env bash
# ctr and kubelet-walkthrough rows: cnibox vs Debian's Go plugins in one run, alternating (run as root).
# Usage: bench/ctr.sh [RUNS]     (RUNS default 30; CNIBOX_BIN=FILE times another cnibox build)
#   ctr run --rm --cni: a whole ctr container life on a private containerd in a node netns (bridge+firewall ADD,
#     runc start of busybox `true`, exit, DEL with an empty netns, task and container delete). ctr only reads
#     /opt/cni/bin (ours: cnibox's symlinks) then /usr/lib/cni (Go's, when /opt/cni/bin is emptied), so this runs
#     only where /opt/cni/bin is absent or empty and no file of /etc/cni/net.d sorts before 00-cbtctr-bench.conflist.
#   exec-plugins.sh add/del: the walkthrough's loop (10-mynet.conf 0.2.0 bridge+host-local, 99-loopback.conf).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
[ "$(id -u)" -eq 0 ] || { echo "bench/ctr.sh: run as root" >&2; exit 1; }
bash tests/deps.sh
cnibox=${CNIBOX_BIN:-out/cnibox}
[ -n "${CNIBOX_BIN:-}" ] || [ -x out/cnibox ] || bash tests/publish.sh
optbin=/opt/cni/bin netconf=/etc/cni/net.d/00-cbtctr-bench.conflist net=cbt-ctr-bench
first=$(ls /etc/cni/net.d 2>/dev/null | grep -E '\.(conf|conflist|json)$' | LC_ALL=C sort | head -1 || true)
[ -z "$(ls -A $optbin 2>/dev/null)" ] || { echo "bench/ctr.sh: $optbin holds plugins; ctr would run them: not touched" >&2; exit 1; }
[ ! -e "$netconf" ] && { [ -z "$first" ] || [[ "$first" > "${netconf##*/}" ]]; } ||
  { echo "bench/ctr.sh: /etc/cni/net.d/$first would be ctr's network, or $netconf exists: not touched" >&2; exit 1; }
work=$(mktemp -d /tmp/cnibox-bench-ctr.XXXXXX)
node="cbt-ctr-bench-$$" cont="cbt-ctrc-bench-$$" kubnode="cbt-kub-bench-$$"
created=()
for d in /opt/cni $optbin /etc/cni /etc/cni/net.d; do [ -d $d ] || { mkdir $d; created=("$d" "${created[@]}"); }; done
daemon=""
cleanup() {
  [ -z "$daemon" ] || { kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true; }
  for n in "$node" "$cont" "$kubnode"; do ip netns del "$n" 2>/dev/null || true; done
  rm -f "$netconf" "$optbin"/*
  for d in "${created[@]}"; do rmdir "$d" 2>/dev/null || true; done
  rm -rf /var/lib/cni/networks/$net /var/lib/cni/firewall/$net /var/lib/cni/results/$net-* "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
mkdir "$work/bin"
CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
ours=$work/bin go=/usr/lib/cni
# shellcheck source=bench/lib.sh
source bench/lib.sh

rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run}
cp /bin/busybox "$rootfs/bin/" && chroot "$rootfs" /bin/busybox --install -s
cat >"$netconf" <<JSON
{"cniVersion":"1.0.0","name":"$net","plugins":[
 {"type":"bridge","bridge":"cbtctr2","isGateway":true,"ipMasq":true,
  "ipam":{"type":"host-local","ranges":[[{"subnet":"10.199.93.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}]}},
 {"type":"firewall"}]}
JSON
ip netns add "$node" && ip -n "$node" link set lo up
ctrd=$work/containerd sock=$work/containerd/containerd.sock
mkdir -p "$ctrd/net.d"
containerd config default | sed -e "s#^root = .*#root = \"$ctrd/root\"#" -e "s#^state = .*#state = \"$ctrd/state\"#" \
  -e "s#\"/run/containerd/containerd.sock\"#\"$sock\"#" -e "s#\"/opt/containerd\"#\"$ctrd/opt\"#" \
  -e "s#restrict_oom_score_adj = false#restrict_oom_score_adj = true#" \
  -e "s#conf_dir = \"/etc/cni/net.d\"#conf_dir = \"$ctrd/net.d\"#" -e "s#bin_dir = \"/opt/cni/bin\"#bin_dir = \"$ours\"#" >"$ctrd/config.toml"
# nsenter, not `ip netns exec`: that remounts /sys, and runc then finds no cgroup mount.
nsenter --net="/var/run/netns/$node" containerd --config "$ctrd/config.toml" >"$ctrd/log" 2>&1 &
daemon=$!
for _ in $(seq 100); do grep -q "successfully booted" "$ctrd/log" && break; sleep 0.1; done
grep -q "successfully booted" "$ctrd/log" || { cat "$ctrd/log" >&2; exit 1; }

echo "cnibox $("$ours/cnibox" --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins); $(ctr --version)"
echo "$runs runs per cell, alternating; kernel $(uname -r), $(nproc) cores; times in ms: median (min-max)"
echo
echo "| operation                  | cnibox ms             | Go ms                 | ratio | ip floor | RSS KiB ours / Go |"
echo "|----------------------------|-----------------------|-----------------------|-------|----------|-------------------|"
# PREPARE: index 0 (cnibox) fills /opt/cni/bin with cnibox's symlinks, index 1 (Go) empties it.
ctrrun=(ctr -a "$sock" -n default run --rm --cni --fifo-dir "$ctrd/fifo" --runc-root "$ctrd/runc"
  --env PATH=/bin:/sbin --rootfs "$rootfs" cbt-ctr-bench true)
# One untimed run each first: only cnibox writes CNIBOX_LOG_FILE, so the log says which plugins ctr ran.
served() {
  rm -f "$optbin"/* "$work/served.log"; [ "$1" = go ] || "$ours/cnibox" --install $optbin >/dev/null
  CNIBOX_LOG_FILE=$work/served.log CNIBOX_LOG_LEVEL=debug nsenter --net="/var/run/netns/$node" "${ctrrun[@]}" >/dev/null 2>&1 || true
  grep -c '"Command":"[A-Z]*".*"Applet":"bridge"' "$work/served.log" 2>/dev/null || true
}
[ "$(served go)" = "" ] && [ "$(served ours)" = 2 ] ||
  { echo "bench/ctr.sh: ctr did not run cnibox's bridge (ADD+DEL) with $optbin filled and Go's with it empty" >&2; exit 1; }
"$work/spawn-timer" "$runs" /dev/null "rm -f $optbin/*; [ \"\$BENCH_I\" = 1 ] || $ours/cnibox --install $optbin >/dev/null" \
  "@netns=/var/run/netns/$node" "$(command -v ctr)" "${ctrrun[@]:1}" ::: "@netns=/var/run/netns/$node" "$(command -v ctr)" "${ctrrun[@]:1}" |
  summarize "ctr run --rm --cni (b+fw)"
left=$(ls /var/lib/cni/networks/$net 2>/dev/null | grep -c '^10\.' || true)
[ "$left" -eq 0 ] && [ -z "$(ls /var/lib/cni/results/$net-* 2>/dev/null)" ] ||
  echo "ctr run --rm --cni: $left addresses or cached results left after the runs" >&2

kub=$work/kub
mkdir -p "$kub/net.d"
cat >"$kub/net.d/10-mynet.conf" <<JSON
{"cniVersion":"0.2.0","name":"cbt-kub-bench","type":"bridge","bridge":"cbtkub1","isGateway":true,"ipMasq":true,
 "ipam":{"type":"host-local","subnet":"10.199.94.0/24","dataDir":"$kub/ipam","routes":[{"dst":"0.0.0.0/0"}]}}
JSON
echo '{"cniVersion":"0.2.0","name":"lo","type":"loopback"}' >"$kub/net.d/99-loopback.conf"
ip netns add "$kubnode" && ip -n "$kubnode" link set lo up && ip netns add "$cont"
loop=(/bin/bash tests/CniBox.Tests/EndToEnd/Kubelet/exec-plugins.sh)
# Every timed run starts clean: an untimed DEL by the implementation about to be timed (its masquerade rule),
# no eth0, no allocation; DEL's PREPARE then runs an untimed ADD with it.
reset="${loop[*]} del bench /var/run/netns/$cont >/dev/null 2>&1; ip -n $cont link del eth0 2>/dev/null; rm -f $kub/ipam/*/10.* $kub/ipam/*/last_reserved_ip.*"
for verb in add del; do
  prepare=$reset
  [ $verb = add ] || prepare="$reset; ${loop[*]} add bench /var/run/netns/$cont >/dev/null"
  NETCONFPATH=$kub/net.d "$work/spawn-timer" "$runs" /dev/null "$prepare" \
    "@netns=/var/run/netns/$kubnode" CNI_PATH="$ours" "${loop[@]}" $verb bench "/var/run/netns/$cont" ::: \
    "@netns=/var/run/netns/$kubnode" CNI_PATH="$go" "${loop[@]}" $verb bench "/var/run/netns/$cont" |
    summarize "exec-plugins.sh $verb"
done
echo
echo "total elapsed: ${SECONDS}s"
