# macvlan rows: sourced by bench/run.sh (section "macvlan", inside its node netns $node against $cont), or run
# alone as root: bench/macvlan.sh [RUNS] (default 30), which makes its own cbt-mv-bench-* namespaces.
# The master is the veth cbtmvb0 in the node; subnet 10.199.99.0/24. Each timed run starts from the same state:
# PREPARE deletes the container's eth0 and the IPAM allocations; for DEL it then runs an untimed ADD with the
# implementation about to be timed (for the floor, $work/floor/macvlan: the floor's ADD). The floor: `ip link add ...
# type macvlan` straight into the netns, its address and up (three ip processes); for DEL `ip link del`.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  runs=${1:-30}
  [ "$(id -u)" -eq 0 ] || { echo "bench/macvlan.sh: run as root (it creates network namespaces)" >&2; exit 1; }
  cnibox=${CNIBOX_BIN:-out/cnibox}
  [ -x "$cnibox" ] || bash tests/publish.sh
  work=$(mktemp -d /tmp/cnibox-bench-mv.XXXXXX)
  node="cbt-mv-bench-node-$$" cont="cbt-mv-bench-c-$$"
  trap 'ip netns del "$node" 2>/dev/null; ip netns del "$cont" 2>/dev/null; rm -rf "$work"' EXIT
  gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
  mkdir "$work/bin"
  CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
  go=/usr/lib/cni ours=$work/bin ipcmd=$(command -v ip)
  # shellcheck source=bench/lib.sh
  source bench/lib.sh
  want() { true; }
  ip netns add "$node"; ip netns add "$cont"
  ip -n "$node" link set lo up
  export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$cont CNI_IFNAME=eth0
  echo "cnibox $("$work/bin/cnibox" --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins)"
  echo "$runs runs per cell, alternating; kernel $(uname -r), $(nproc) cores; times in ms: median (min-max); ip floor: median"
  echo
  echo "| operation                  | cnibox ms             | Go ms                 | ratio | ip floor | RSS KiB ours / Go |"
  echo "|----------------------------|-----------------------|-----------------------|-------|----------|-------------------|"
fi

if want macvlan; then
  mkdir -p "$work/floor"
  ip -n "$node" link add cbtmvb0 type veth peer name cbtmvb1
  ip -n "$node" link set cbtmvb0 up
  ip -n "$node" link set cbtmvb1 up
  mvconf=$work/macvlan.json
  mvl2conf=$work/macvlan-l2.json
  netconf "$mvconf" cbtbench-mv macvlan 10.199.99.0/24 "$work/ipam-mv" '"master":"cbtmvb0","mode":"bridge"'
  echo '{"cniVersion":"1.0.0","name":"cbtbench-mv","type":"macvlan","master":"cbtmvb0"}' >"$mvl2conf"
  mvreset="ip -n $cont link del eth0 2>/dev/null; rm -f $work/ipam-mv/*/10.* $work/ipam-mv/*/last_reserved_ip.*"
  printf '#!/bin/sh\n%s link add eth0 link cbtmvb0 netns %s type macvlan mode bridge && %s -n %s addr add 10.199.99.2/24 dev eth0 && %s -n %s link set eth0 up\n' \
    "$ipcmd" "$cont" "$ipcmd" "$cont" "$ipcmd" "$cont" >"$work/floor/macvlan"
  chmod +x "$work/floor/macvlan"
  noderow "macvlan ADD" ADD "$mvconf" "$mvreset" macvlan "$ipcmd" link add eth0 link cbtmvb0 netns "$cont" type macvlan mode bridge \
    +++ "$ipcmd" -n "$cont" addr add 10.199.99.2/24 dev eth0 +++ "$ipcmd" -n "$cont" link set eth0 up
  noderow "macvlan DEL" DEL "$mvconf" "$mvreset; CNI_COMMAND=ADD \$CNI_PATH/macvlan <$mvconf >/dev/null" macvlan "$ipcmd" -n "$cont" link del eth0
  noderow "macvlan ADD, L2 only" ADD "$mvl2conf" "$mvreset" macvlan
  noderow "macvlan DEL, L2 only" DEL "$mvl2conf" "$mvreset; CNI_COMMAND=ADD \$CNI_PATH/macvlan <$mvl2conf >/dev/null" macvlan
  # The other link plugins. On a kernel without the link kind (this one lacks ipvlan, vlan and vrf) the row says
  # so instead of timing two failures.
  kindrow() { # kindrow LABEL VERB CONF PREPARE PLUGIN [FLOOR...]: noderow, or a skipped row naming what is missing
    local out
    out=$(ip netns exec "$node" sh -c "$4; CNI_COMMAND=ADD CNI_PATH=$ours $ours/$5 <$3" 2>&1 || true)
    if [[ "$out" == *"kernel has no"* ]]; then
      printf "| %-26s | skipped: %s |\n" "$1" "$(grep -o 'kernel has no[^"]*' <<<"$out" | head -1)"
    else
      noderow "$@"
    fi
    ip netns exec "$node" sh -c "$4" >/dev/null 2>&1 || true
  }
  ipvconf=$work/ipvlan.json vlconf=$work/vlan.json vrfconf=$work/vrf.json
  netconf "$ipvconf" cbtbench-mv ipvlan 10.199.99.0/24 "$work/ipam-mv" '"master":"cbtmvb0"'
  netconf "$vlconf" cbtbench-mv vlan 10.199.99.0/24 "$work/ipam-mv" '"master":"cbtmvb0","vlanId":7'
  echo '{"cniVersion":"1.0.0","name":"cbtbench-mv","type":"vrf","vrfname":"cbtbvrf","prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"'"$CNI_NETNS"'"}]}}' >"$vrfconf"
  kindrow "ipvlan ADD" ADD "$ipvconf" "$mvreset" ipvlan
  kindrow "ipvlan DEL" DEL "$ipvconf" "$mvreset; CNI_COMMAND=ADD \$CNI_PATH/ipvlan <$ipvconf >/dev/null" ipvlan
  kindrow "vlan ADD" ADD "$vlconf" "$mvreset" vlan
  kindrow "vlan DEL" DEL "$vlconf" "$mvreset; CNI_COMMAND=ADD \$CNI_PATH/vlan <$vlconf >/dev/null" vlan
  vrfreset="$mvreset; ip -n $cont link del cbtbvrf 2>/dev/null; CNI_COMMAND=ADD $ours/macvlan <$mvl2conf >/dev/null"
  kindrow "vrf ADD (after macvlan L2)" ADD "$vrfconf" "$vrfreset" vrf
  kindrow "vrf DEL" DEL "$vrfconf" "$vrfreset; CNI_COMMAND=ADD \$CNI_PATH/vrf <$vrfconf >/dev/null" vrf
  # Go 1.1.1 has no tap: its second column is the `ip` floor of the same kernel work.
  tapconf=$work/tap.json tapreset="ip -n $cont link del eth0 2>/dev/null; true"
  echo '{"cniVersion":"1.0.0","name":"cbtbench-mv","type":"tap","mtu":1400}' >"$tapconf"
  CNI_COMMAND=ADD ip netns exec "$node" "$work/spawn-timer" "$runs" "$tapconf" "$tapreset" \
    CNI_PATH="$ours" "$ours/tap" ::: "$ipcmd" -n "$cont" tuntap add eth0 mode tap | summarize "tap ADD (2nd col: ip tuntap)"
  CNI_COMMAND=DEL ip netns exec "$node" "$work/spawn-timer" "$runs" "$tapconf" "$tapreset; CNI_COMMAND=ADD $ours/tap <$tapconf >/dev/null" \
    CNI_PATH="$ours" "$ours/tap" ::: "$ipcmd" -n "$cont" link del eth0 | summarize "tap DEL (2nd col: ip link del)"
  # Go 1.1.1 has no dummy either: the same `ip` floor, and the skipped row on a kernel without the dummy kind (this one).
  dmconf=$work/dummy.json dmreset="ip -n $cont link del eth0 2>/dev/null; rm -rf $work/ipam-dm"
  netconf "$dmconf" cbtbench-mv dummy 10.199.99.0/24 "$work/ipam-dm"
  dmout=$(ip netns exec "$node" sh -c "$dmreset; CNI_COMMAND=ADD CNI_PATH=$ours $ours/dummy <$dmconf" 2>&1 || true)
  if [[ "$dmout" == *"kernel has no"* ]]; then
    for verb in ADD DEL; do printf "| %-26s | skipped: %s |\n" "dummy $verb" "$(grep -o 'kernel has no[^"]*' <<<"$dmout" | head -1)"; done
  else
    CNI_COMMAND=ADD ip netns exec "$node" "$work/spawn-timer" "$runs" "$dmconf" "$dmreset" \
      CNI_PATH="$ours" "$ours/dummy" ::: "$ipcmd" -n "$cont" link add eth0 type dummy | summarize "dummy ADD (2nd col: ip link add)"
    CNI_COMMAND=DEL ip netns exec "$node" "$work/spawn-timer" "$runs" "$dmconf" "$dmreset; CNI_COMMAND=ADD CNI_PATH=$ours $ours/dummy <$dmconf >/dev/null" \
      CNI_PATH="$ours" "$ours/dummy" ::: "$ipcmd" -n "$cont" link del eth0 | summarize "dummy DEL (2nd col: ip link del)"
  fi
  ip -n "$cont" link del cbtbvrf 2>/dev/null || true
  ip -n "$cont" link del eth0 2>/dev/null || true
  ip -n "$node" link del cbtmvb0
fi
