#!/usr/bin/env bash
# Two "nodes" of a flannel cluster, each a throwaway network namespace, joined by an underlay veth
# (10.199.254.1/24 and .2/24). On each node this script does flanneld's part by hand: subnet.env for the node's
# /24 of FLANNEL_NETWORK 10.199.64.0/18, a VXLAN device flannel.1 on the underlay, the other node's FDB and
# neighbour entries and the route to its subnet. Then `cnitool` adds one pod per node with k3s's conflist
# (flannel + portmap + bandwidth; the delegate bridge named cbtfl0): the pod on node A reaches the pod on node B
# by its address, and a hostPort of the pod on node B answers from node A. DEL on both nodes leaves nothing.
# Nothing outside the namespaces and a temp dir is touched. Set SKIP_PUBLISH=1 to use an existing out/cnibox.
# The last line is "demo-multihost ok" or "demo-multihost FAILED" (exit 1).
set -euo pipefail
cd "$(dirname "$0")"
[ "${SKIP_PUBLISH:-}" = 1 ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cnibox-multihost.XXXXXX)
net=cbtfl port=18700
declare -A ns=([a]="cbt-fl-a-$$" [b]="cbt-fl-b-$$") pod=([a]="cbt-fl-pa-$$" [b]="cbt-fl-pb-$$")
declare -A underlay=([a]=10.199.254.1 [b]=10.199.254.2) subnet=([a]=10.199.64 [b]=10.199.65)
declare -A mac=([a]=0e:99:00:00:00:0a [b]=0e:99:00:00:00:0b)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  for n in a b; do ip netns del "${pod[$n]}" 2>/dev/null || true; ip netns del "${ns[$n]}" 2>/dev/null || true; done
  rm -rf "$work"
  rm -rf "/var/lib/cni/portmap/$net" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$work/bin"
CNIBOX_BIN=out/cnibox ./symlinks.sh "$work/bin" >/dev/null
failed=0
check() { local label=$1; shift; if "$@"; then echo "$label: ok"; else echo "$label: FAILED"; failed=1; fi; }
ping_from() { ip netns exec "$1" ping -c2 -W2 -q "$2" >/dev/null; }

for n in a b; do ip netns add "${ns[$n]}"; ip netns add "${pod[$n]}"; ip -n "${ns[$n]}" link set lo up; done
ip link add cbtflua netns "${ns[a]}" type veth peer name cbtflub netns "${ns[b]}"
for n in a b; do
  ip -n "${ns[$n]}" addr add "${underlay[$n]}/24" dev "cbtflu$n"
  ip -n "${ns[$n]}" link set "cbtflu$n" up
done

echo "== flanneld's part on each node (subnet.env, flannel.1, FDB, neighbour, route)"
for n in a b; do
  o=$([ "$n" = a ] && echo b || echo a)
  mkdir -p "$work/$n/net.d" "$work/$n/cache" "$work/$n/ipam" "$work/$n/flannel"
  printf 'FLANNEL_NETWORK=10.199.64.0/18\nFLANNEL_SUBNET=%s.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n' "${subnet[$n]}" \
    >"$work/$n/subnet.env"
  ip -n "${ns[$n]}" link add flannel.1 address "${mac[$n]}" type vxlan id 1 local "${underlay[$n]}" \
    dev "cbtflu$n" dstport 8472 nolearning
  ip -n "${ns[$n]}" link set flannel.1 mtu 1450 up
  ip -n "${ns[$n]}" addr add "${subnet[$n]}.0/32" dev flannel.1
  bridge -n "${ns[$n]}" fdb append "${mac[$o]}" dev flannel.1 dst "${underlay[$o]}"
  ip -n "${ns[$n]}" neigh replace "${subnet[$o]}.0" lladdr "${mac[$o]}" dev flannel.1 nud permanent
  ip -n "${ns[$n]}" route add "${subnet[$o]}.0/24" via "${subnet[$o]}.0" dev flannel.1 onlink
  # k3s's conflist; subnetFile, dataDir and the delegate's host-local dataDir point into the temp dir.
  cat >"$work/$n/net.d/10-flannel.conflist" <<JSON
{"name":"$net","cniVersion":"1.0.0","plugins":[
 {"type":"flannel","subnetFile":"$work/$n/subnet.env","dataDir":"$work/$n/flannel","ipam":{"dataDir":"$work/$n/ipam"},
  "delegate":{"hairpinMode":true,"forceAddress":true,"isDefaultGateway":true,"bridge":"cbtfl0"}},
 {"type":"portmap","capabilities":{"portMappings":true}},
 {"type":"bandwidth","capabilities":{"bandwidth":true}}]}
JSON
  cat "$work/$n/subnet.env" | sed "s/^/  node $n: /"
done
cnitool() { local n=$1; shift; ip netns exec "${ns[$n]}" env NETCONFPATH="$work/$n/net.d" CNI_PATH="$work/bin" \
  CNI_CACHE_DIR="$work/$n/cache" "$work/bin/cnitool" "$@"; }

echo "== cnitool add on node a, then on node b (hostPort $port -> 80)"
cnitool a add "$net" "/var/run/netns/${pod[a]}" >/dev/null
caps="{\"portMappings\":[{\"hostPort\":$port,\"containerPort\":80,\"protocol\":\"tcp\"}]}"
CAP_ARGS=$caps cnitool b add "$net" "/var/run/netns/${pod[b]}" >/dev/null
pa=$(ip -n "${pod[a]}" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
pb=$(ip -n "${pod[b]}" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
echo "pod on a: $pa, pod on b: $pb"
echo "saved delegate on node a: $(cat "$work/a/flannel/"*)"
check "pod a -> pod b by address ($pb)" ping_from "${pod[a]}" "$pb"
check "pod b -> pod a by address ($pa)" ping_from "${pod[b]}" "$pa"
printf '#!/bin/sh\necho hello from the pod on node b\n' >"$work/answer" && chmod +x "$work/answer"
ip netns exec "${pod[b]}" busybox nc -ll -p 80 -e "$work/answer" &
server_pid=$!
sleep 0.3
answer=$(ip netns exec "${ns[a]}" busybox nc -w 2 "${underlay[b]}" "$port" </dev/null || true)
check "node a -> node b hostPort $port answers (\"$answer\")" [ "$answer" = "hello from the pod on node b" ]
kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=

echo "== cnitool del on both nodes"
cnitool a del "$net" "/var/run/netns/${pod[a]}"
CAP_ARGS=$caps cnitool b del "$net" "/var/run/netns/${pod[b]}"
for n in a b; do
  left=$(find "$work/$n/flannel" "$work/$n/ipam" "$work/$n/cache" -type f ! -name lock ! -name 'last_reserved_ip.*' | wc -l)
  check "node $n: no saved delegate, address or cached result left ($left files)" [ "$left" -eq 0 ]
  check "node $n: pod has only lo" [ "$(ip -n "${pod[$n]}" -o link show | wc -l)" -eq 1 ]
  check "node $n: no veth left on cbtfl0" [ -z "$(ip -n "${ns[$n]}" -o link show master cbtfl0)" ]
done
check "no portmap registry left" [ ! -e "/var/lib/cni/portmap/$net" ]
if [ "$failed" -eq 0 ]; then echo "demo-multihost ok"; else echo "demo-multihost FAILED"; exit 1; fi
