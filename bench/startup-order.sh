#!/usr/bin/env bash
# Regenerates bench/startup.order, the ILC order file (CniBox.csproj: IlcOrderFile): the managed methods that typical
# plugin calls run, laid out together so that a call maps a few dense pages of the binary instead of ~40 scattered
# 64 KiB fault-around windows (peak RSS and page faults of every call). Run as root after code changes that move
# the plugin path; a method missing from the file only loses its place, nothing breaks.
# Usage: bench/startup-order.sh   (needs valgrind; about 1 min)
# Calls profiled (callgrind), in this order: VERSION, loopback ADD/CHECK/DEL, host-local ADD/DEL, bridge+host-local
# ADD/CHECK/DEL, ptp+host-local ADD/DEL, tuning ADD/DEL (sysctls, MAC, MTU, flags), bridge ipMasq ADD/DEL, portmap
# ADD/DEL (TCP+UDP), firewall ADD/DEL on its nftables backend, bandwidth ADD/DEL (both directions), macvlan+host-local
# ADD/DEL, host-local ADD/DEL with 240 allocations held, firewall ADD/DEL on its iptables backend (the node's filter
# FORWARD policy DROP), cnitool add/del of podman's default list (bridge, portmap, firewall, tuning) and of
# containerd's CRI list (+ bandwidth), host-device (static IPAM) ADD, sbr ADD/DEL on it, host-device DEL. Netns cbt-ps-node-$$ and cbt-ps-c-$$, 10.199.173.0/24 (four /26), links
# cbtps*, all inside the node netns; portmap and firewall records of the cbt-ps-* networks removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/startup-order.sh: run as root (it creates network namespaces)" >&2; exit 1; }
command -v valgrind >/dev/null || apt-get install -y valgrind >/dev/null
work=$(mktemp -d /tmp/cnibox-order.XXXXXX)
node="cbt-ps-node-$$" cont="cbt-ps-c-$$"
cleanup() {
  ip netns del "$cont" 2>/dev/null || true; ip netns del "$node" 2>/dev/null || true
  rm -rf "$work" /var/lib/cni/portmap/cbt-ps-* /var/lib/cni/firewall/cbt-ps-* /run/cni/host-device/order_*
}
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
ipam="\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"$work/ipam\",\"ranges\":[[{\"subnet\":\"10.199.173.0/26\"}]]}"
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
cat >"$work/tuning.json" <<JSON
{"cniVersion":"1.0.0","name":"cbt-ps-tu","type":"tuning","dataDir":"$work/tuning",
 "sysctl":{"net.ipv4.conf.IFNAME.arp_notify":"1","net.core.somaxconn":"1024"},
 "mac":"02:00:00:19:99:02","mtu":1400,"promisc":true,"allmulti":true,
 "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/var/run/netns/$cont"}],
  "ips":[{"address":"10.199.173.2/26","interface":0}]}}
JSON
ip -n "$cont" link add eth0 type veth peer name cbtpstu0
call ADD tuning "$work/tuning.json"
call DEL tuning "$work/tuning.json"
ip -n "$cont" link del eth0
sed 's/"isGateway":true/"isGateway":true,"ipMasq":true/' "$work/br.json" >"$work/masq.json"
call ADD bridge "$work/masq.json"
call DEL bridge "$work/masq.json"
prev() { # prev HOSTIF IF IP: a prevResult naming the container's IF (in $cont) and its host side HOSTIF
  echo "\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"$1\"},{\"name\":\"$2\",\"sandbox\":\"/var/run/netns/$cont\"}],\"ips\":[{\"address\":\"$3/26\",\"interface\":1}]}"
}
ip -n "$cont" link add eth1 type veth peer name cbtps2 netns "$node"
ip -n "$cont" link set eth1 up; ip -n "$node" link set cbtps2 up
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps-pm\",\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},
 \"runtimeConfig\":{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"},
  {\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"udp\"}]},$(prev cbtps2 eth1 10.199.173.194)}" >"$work/pm.json"
call ADD portmap "$work/pm.json" eth1
call DEL portmap "$work/pm.json" eth1
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps-fw\",\"type\":\"firewall\",$(prev cbtps2 eth1 10.199.173.194)}" >"$work/fw-nft.json"
call ADD firewall "$work/fw-nft.json" eth1
call DEL firewall "$work/fw-nft.json" eth1
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps-bw\",\"type\":\"bandwidth\",
 \"ingressRate\":10000000,\"ingressBurst\":96000,\"egressRate\":20000000,\"egressBurst\":96000,
 $(prev cbtps2 eth1 10.199.173.194)}" >"$work/bw.json"
call ADD bandwidth "$work/bw.json" eth1
call DEL bandwidth "$work/bw.json" eth1
ip -n "$node" link add cbtps3 type veth peer name cbtps4
ip -n "$node" link set cbtps3 up; ip -n "$node" link set cbtps4 up
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps-mv\",\"type\":\"macvlan\",\"master\":\"cbtps3\",\"mode\":\"bridge\",
 \"ipam\":{\"type\":\"host-local\",\"dataDir\":\"$work/ipam-mv\",\"ranges\":[[{\"subnet\":\"10.199.173.192/26\"}]]}}" >"$work/mv.json"
call ADD macvlan "$work/mv.json"
call DEL macvlan "$work/mv.json"
# host-local on a network holding many allocations (ids written as Go writes them): the owner scan's path.
mkdir -p "$work/ipam-many/cbt-ps-many"
for i in $(seq 2 241); do printf '%064d\r\neth0' "$i" >"$work/ipam-many/cbt-ps-many/10.199.173.$i"; done
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps-many\",\"type\":\"host-local\",
 \"ipam\":{\"type\":\"host-local\",\"dataDir\":\"$work/ipam-many\",\"ranges\":[[{\"subnet\":\"10.199.173.0/24\"}]]}}" >"$work/many.json"
call ADD host-local "$work/many.json"
call DEL host-local "$work/many.json"
ip netns exec "$node" iptables -P FORWARD DROP
sed 's/"type":"firewall",/"type":"firewall","backend":"iptables",/' "$work/fw-nft.json" >"$work/fw-ipt.json"
call ADD firewall "$work/fw-ipt.json" eth1
call DEL firewall "$work/fw-ipt.json" eth1
ip -n "$cont" link del eth1
mkdir "$work/net.d" "$work/cache"
cat >"$work/net.d/20-podman.conflist" <<JSON
{"cniVersion":"1.0.0","name":"cbt-ps-pod","plugins":[
 {"type":"bridge","bridge":"cbtps1","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","dataDir":"$work/ipam","ranges":[[{"subnet":"10.199.173.64/26"}]]}},
 {"type":"portmap","capabilities":{"portMappings":true}},{"type":"firewall","backend":""},{"type":"tuning"}]}
JSON
cat >"$work/net.d/30-cri.conflist" <<JSON
{"cniVersion":"1.0.0","name":"cbt-ps-cri","plugins":[
 {"type":"bridge","bridge":"cbtps5","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","dataDir":"$work/ipam","ranges":[[{"subnet":"10.199.173.128/26"}]]}},
 {"type":"portmap","capabilities":{"portMappings":true}},{"type":"firewall"},{"type":"tuning"},
 {"type":"bandwidth","capabilities":{"bandwidth":true}}]}
JSON
podcaps='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}'
cricaps='{"portMappings":[{"hostPort":8081,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"ingressRate":10000000,"ingressBurst":96000,"egressRate":20000000,"egressBurst":96000}}'
for list in "cbt-ps-pod $podcaps" "cbt-ps-cri $cricaps"; do
  for verb in add del; do # cnitool runs each plugin as a child: follow them
    n=$((n + 1))
    CAP_ARGS=${list#* } NETCONFPATH=$work/net.d CNI_CACHE_DIR=$work/cache CNI_PATH=$work/bin ip netns exec "$node" \
      valgrind -q --tool=callgrind --dump-instr=yes --trace-children=yes --callgrind-out-file="$work/cg.$n.%p" \
      "$work/bin/cnitool" $verb "${list%% *}" "/var/run/netns/$cont" >"$work/out.$n" 2>"$work/err.$n"
  done
done
# host-device (static IPAM) moves a node veth in as eth2, sbr moves its routes to a table and back, host-device DEL
# moves it out again (10.199.173.250 of the last /26, free again after macvlan's DEL).
ip -n "$node" link add cbtps6 type veth peer name cbtps7
ip -n "$node" link set cbtps7 up
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps-hd\",\"type\":\"host-device\",\"device\":\"cbtps6\",
 \"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"10.199.173.250/26\",\"gateway\":\"10.199.173.193\"}]}}" >"$work/hd.json"
echo "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-ps-sbr\",\"type\":\"sbr\",
 \"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth2\",\"sandbox\":\"/var/run/netns/$cont\"}],
  \"ips\":[{\"address\":\"10.199.173.250/26\",\"gateway\":\"10.199.173.193\",\"interface\":0}]}}" >"$work/sbr.json"
call ADD host-device "$work/hd.json" eth2
call ADD sbr "$work/sbr.json" eth2
call DEL sbr "$work/sbr.json" eth2
call DEL host-device "$work/hd.json" eth2
python3 bench/startup-order.py "$work/nm" $(ls -v "$work"/cg.*) >bench/startup.order  # in call order: VERSION first
echo "startup.order: $(wc -l <bench/startup.order) methods from $n calls" >&2
