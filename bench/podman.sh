#!/usr/bin/env bash
# podman 4.3.1 (CNI backend) with cnibox's symlinks vs Debian's Go plugins (/usr/lib/cni) as its plugin dir, one
# run, inside one throwaway node netns (cbt-pod-bench-$$). Each side has its own containers.conf, storage and network
# (the default list podman writes: bridge + portmap + firewall + tuning; bridges cbtpod5/cbtpod6, 10.199.82.0/24 and
# 10.199.83.0/24). Rows, alternating the two sides RUNS times (bench/spawn-timer.c, medians as in bench/run.sh):
#   podman run --rm -p 18090:80 ... true   a container that exits at once: ADD of the list, then DEL, and
#                                          podman's VERSION probes of the 4 plugins when it loads the network
#                                          floor column: the same run with --network none (no CNI at all)
#   podman network inspect                 the VERSION probes of the 4 plugins alone
# Containers get the cgroup parent /$node (cgroupfs would leave /libpod_parent in every hierarchy).
# podman runs under nsenter --net (not ip netns exec, whose fresh /sys has no cgroup mount for runc). Everything it
# creates is removed on exit (containers, networks, their /var/lib/cni files, the cgroups, the netns, the temp dir).
# Usage: bench/podman.sh [RUNS]   (default 15; CNIBOX_BIN=FILE times another cnibox build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
[ "$(id -u)" -eq 0 ] || { echo "bench/podman.sh: run as root (it creates a network namespace)" >&2; exit 1; }
bash tests/deps.sh
cnibox=${CNIBOX_BIN:-out/cnibox}
[ -n "${CNIBOX_BIN:-}" ] || [ -x out/cnibox ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cnibox-bench-podman.XXXXXX)
node="cbt-pod-bench-$$"
sides=(go ours) # Go first: its untimed run leaves the iptables tables both sides then see
cleanup() {
  for side in "${sides[@]}"; do
    if [ -f "$work/$side/containers.conf" ]; then
      CONTAINERS_CONF=$work/$side/containers.conf CONTAINERS_STORAGE_CONF=$work/$side/storage.conf \
        nsenter --net="/var/run/netns/$node" sh -c "podman rm -a -f -t 0; podman network rm -f cbtpod-bench-$side" >/dev/null 2>&1 || true
    fi
    rm -rf "/var/lib/cni/networks/cbtpod-bench-$side" "/var/lib/cni/portmap/cbtpod-bench-$side" \
      "/var/lib/cni/firewall/cbtpod-bench-$side" /var/lib/cni/results/cbtpod-bench-"$side"-*
  done
  ip netns del "$node" 2>/dev/null || true
  # The containers' cgroup parent, deepest first; rmdir refuses a cgroup still in use.
  find /sys/fs/cgroup/ -depth -type d -path "*/$node*" -exec rmdir {} + 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
mkdir "$work/bin"
CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
# shellcheck source=bench/lib.sh
source bench/lib.sh

# The offline image, as tests/CniBox.Tests/Support/EndToEnd/BusyboxRootfs.cs builds it.
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,www,proc,sys,dev,tmp,run,var}
cp /bin/busybox "$rootfs/bin/busybox"
chroot "$rootfs" /bin/busybox --install -s
echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"

ip netns add "$node"
ip -n "$node" link set lo up
declare -A plugins=([ours]=$work/bin [go]=/usr/lib/cni) subnet=([ours]=10.199.82.0/24 [go]=10.199.83.0/24) bridge=([ours]=cbtpod5 [go]=cbtpod6) cmd_run=() cmd_inspect=()
for side in "${sides[@]}"; do
  d=$work/$side
  mkdir -p "$d/networks" "$d/tmp"
  cat >"$d/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
tmp_dir = "$d/tmp"
[network]
network_backend = "cni"
cni_plugin_dirs = ["${plugins[$side]}"]
network_config_dir = "$d/networks"
default_subnet = "10.199.85.0/24"
EOF
  printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' "$d/graphroot" "$d/runroot" >"$d/storage.conf"
  env=(CONTAINERS_CONF="$d/containers.conf" CONTAINERS_STORAGE_CONF="$d/storage.conf")
  nsenter --net="/var/run/netns/$node" env "${env[@]}" podman network create --subnet "${subnet[$side]}" "cbtpod-bench-$side" >/dev/null
  sed -i "s/\"cni-podman[0-9]*\"/\"${bridge[$side]}\"/" "$d/networks/cbtpod-bench-$side.conflist"
  # One untimed run each: the bridge, the shared chains and podman's storage exist before the timed ones.
  nsenter --net="/var/run/netns/$node" env "${env[@]}" podman run --rm --cgroup-parent "/$node" --network "cbtpod-bench-$side" -p 18090:80 --rootfs "$rootfs" true
  cmd_run[$side]="${env[*]} $(command -v podman) run --rm --cgroup-parent /$node --network cbtpod-bench-$side -p 18090:80 --rootfs $rootfs true"
  [ "$side" = ours ] && cmd_run[none]="${env[*]} $(command -v podman) run --rm --cgroup-parent /$node --network none --rootfs $rootfs true"
  cmd_inspect[$side]="${env[*]} $(command -v podman) network inspect cbtpod-bench-$side"
done

echo "podman $(podman version --format '{{.Client.Version}}') (CNI backend), $(runc --version | head -1);" \
  "cnibox $("$work/bin/cnibox" --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins)"
echo "$runs runs per cell, alternating, in node netns $node; kernel $(uname -r), $(nproc) cores; times in ms: median (min-max)"
echo
echo "| operation                  | cnibox ms             | Go ms                 | ratio | ip floor | RSS KiB ours / Go |"
echo "|----------------------------|-----------------------|-----------------------|-------|----------|-------------------|"
netns=@netns=/var/run/netns/$node
# shellcheck disable=SC2086 # the command strings are word lists on purpose (no spaces inside a word)
"$work/spawn-timer" "$runs" /dev/null "" $netns ${cmd_run[ours]} ::: $netns ${cmd_run[go]} ::: $netns ${cmd_run[none]} |
  summarize "run --rm -p (floor: none)"
# shellcheck disable=SC2086
"$work/spawn-timer" "$runs" /dev/null "" $netns ${cmd_inspect[ours]} ::: $netns ${cmd_inspect[go]} | summarize "podman network inspect"
echo
echo "RSS is podman's own peak. Both sides share the node, whose Go run left iptables tables: ours' firewall (backend \"\")"
echo "then writes Go's iptables layout over netlink. Node tables: $(ip netns exec "$node" nft list tables | tr '\n' ' ')"
