# L3 rows of bench/run.sh (sourced): bridge, ptp, bridge with ipMasq, cnitool. Everything runs inside the node
# netns $node (plugins, PREPAREs, `ip` floors) against the container netns $cont; subnets 10.199.240-243.0/24.
# Each timed run starts from the same state: PREPARE deletes the container's eth0 (and with it the host veth)
# and the IPAM allocations (not the network's directory and lock file: a node has those after its first
# container); for DEL and CHECK it then does an untimed ADD with the implementation about to be timed.

mkdir -p "$work/floor"
prevfile=$work/prev.json
checkconf=$work/check.json
# l3prepares PLUGIN CONF IPAMDIR [EXTRA-RESET]: sets $reset, $added and $checked for noderow's PREPARE.
l3prepares() {
  reset="ip -n $cont link del eth0 2>/dev/null; rm -f $3/*/10.* $3/*/last_reserved_ip.*${4:+; $4}"
  added="$reset; CNI_COMMAND=ADD \$CNI_PATH/$1 <$2 >$prevfile"
  checked="$added && jq -c --slurpfile r $prevfile '. + {prevResult: \$r[0]}' $2 >$checkconf"
}

# The floor: the links, addresses and routes the plugin's ADD leaves behind, made by one `ip -batch` process in
# the container netns and one in the node netns (iproute2 has no per-line netns). No sysctls, no IPAM.
# floor PLUGIN CONTAINER-BATCH NODE-BATCH: writes the batches and $work/floor/PLUGIN (the untimed floor ADD).
floor() {
  printf '%s\n' "$2" >"$work/floor/$1.c"
  printf '%s\n' "$3" >"$work/floor/$1.n"
  printf '#!/bin/sh\n%s -n %s -batch %s && %s -batch %s\n' "$ipcmd" "$cont" "$work/floor/$1.c" "$ipcmd" "$work/floor/$1.n" >"$work/floor/$1"
  chmod +x "$work/floor/$1"
  flooradd=("$ipcmd" -n "$cont" -batch "$work/floor/$1.c" +++ "$ipcmd" -batch "$work/floor/$1.n")
}
# The DEL floor deletes the veth our own untimed ADD made (its PREPARE runs our plugin from $work/floor-ours), so
# both columns delete the same kernel state: a veth made by `ip -batch` has other sysctls and timers.
floordel=("$ipcmd" -n "$cont" link del eth0)
mkdir -p "$work/floor-ours"
for p in bridge ptp host-local; do ln -sf "$ours/cnibox" "$work/floor-ours/$p"; done
vethpeer="link add eth0 type veth peer name cbtfloor0 netns $node"

if want bridge; then
  brconf=$work/bridge.json
  netconf "$brconf" cbtbench-br bridge 10.199.241.0/24 "$work/ipam-br" '"bridge":"cbtbench1","isGateway":true'
  l3prepares bridge "$brconf" "$work/ipam-br"
  # One untimed ADD makes the bridge and its gateway address, which every timed ADD then finds in place.
  ip netns exec "$node" sh -c "export CNI_PATH=$go; $added"
  floor bridge "$vethpeer
addr add 10.199.241.2/24 dev eth0
link set eth0 up
route add default via 10.199.241.1 dev eth0" "link set cbtfloor0 master cbtbench1
link set cbtfloor0 up"
  noderow "bridge+host-local ADD" ADD "$brconf" "$reset" bridge "${flooradd[@]}"
  noderow "bridge+host-local CHECK" CHECK "$checkconf" "$checked" bridge
  floorpath=$work/floor-ours noderow "bridge+host-local DEL" DEL "$brconf" "$added" bridge "${floordel[@]}"
fi

if want ptp; then
  ptpconf=$work/ptp.json
  netconf "$ptpconf" cbtbench-ptp ptp 10.199.242.0/24 "$work/ipam-ptp"
  l3prepares ptp "$ptpconf" "$work/ipam-ptp"
  floor ptp "$vethpeer
addr add 10.199.242.2/24 dev eth0
link set eth0 up
route del 10.199.242.0/24 dev eth0
route add 10.199.242.1/32 dev eth0 scope link src 10.199.242.2
route add 10.199.242.0/24 via 10.199.242.1 dev eth0 src 10.199.242.2" "link set cbtfloor0 up
addr add 10.199.242.1/32 dev cbtfloor0
route add 10.199.242.2/32 dev cbtfloor0 scope link"
  noderow "ptp+host-local ADD" ADD "$ptpconf" "$reset" ptp "${flooradd[@]}"
  noderow "ptp+host-local CHECK" CHECK "$checkconf" "$checked" ptp
  floorpath=$work/floor-ours noderow "ptp+host-local DEL" DEL "$ptpconf" "$added" ptp "${floordel[@]}"
fi

# ipMasq: Go 1.1.1 masquerades with iptables (iptables-nft here: tables ip nat / ip filter), cnibox with
# nf_tables over netlink (table inet cni_plugins_masquerade). PREPARE flushes the node netns's whole ruleset,
# which removes both, so each ADD starts from no rules and each DEL finds exactly its own ADD's rules.
if want ipmasq; then
  mqconf=$work/ipmasq.json
  netconf "$mqconf" cbtbench-mq bridge 10.199.243.0/24 "$work/ipam-mq" '"bridge":"cbtbench2","isGateway":true,"ipMasq":true'
  l3prepares bridge "$mqconf" "$work/ipam-mq" "ip netns exec $node nft flush ruleset"
  ip netns exec "$node" sh -c "export CNI_PATH=$go; $added" || true  # fails where $go is a cnibox without ipMasq
  # Until cnibox's bridge does ipMasq, its untimed ADD fails: note it rather than abort the run.
  rm -f "$work/masq-add-failed"
  noderow "bridge ipMasq ADD" ADD "$mqconf" "$reset" bridge
  line=$(noderow "bridge ipMasq DEL" DEL "$mqconf" \
    "$reset; CNI_COMMAND=ADD \$CNI_PATH/bridge <$mqconf >/dev/null || echo \$BENCH_I >>$work/masq-add-failed" bridge)
  [ ! -e "$work/masq-add-failed" ] ||
    line="$line **untimed ADD before DEL failed: ours $(grep -cx 0 "$work/masq-add-failed" || :), Go $(grep -cx 1 "$work/masq-add-failed" || :)**"
  echo "$line"
fi

# cnitool add/del of a bridge+host-local list: cnibox's cnitool driving our plugins vs the same cnitool driving
# Debian's Go plugins (CNI_PATH per command; the PREPARE's untimed add uses the same CNI_PATH).
if want cnitool; then
  mkdir -p "$work/net.d" "$work/l3ipam" "$work/cache"
  cat >"$work/net.d/10-bench.conflist" <<JSON
{"cniVersion":"1.0.0","name":"cbtbench","plugins":[{"type":"bridge","bridge":"cbtbench0","isGateway":true,
 "ipam":{"type":"host-local","dataDir":"$work/l3ipam","ranges":[[{"subnet":"10.199.240.0/24"}]]}}]}
JSON
  reset="ip -n $cont link del eth0 2>/dev/null; rm -f $work/l3ipam/*/10.* $work/l3ipam/*/last_reserved_ip.*; rm -rf $work/cache/*"
  tool() { # LABEL VERB PREPARE
    NETCONFPATH=$work/net.d CNI_CACHE_DIR=$work/cache ip netns exec "$node" "$work/spawn-timer" "$runs" /dev/null "$3" \
      CNI_PATH="$ours" "$ours/cnitool" "$2" cbtbench "/var/run/netns/$cont" ::: \
      CNI_PATH="$go" "$ours/cnitool" "$2" cbtbench "/var/run/netns/$cont" | summarize "$1"
  }
  tool "cnitool add bridge+h-l" add "$reset"
  tool "cnitool del bridge+h-l" del "$reset; $ours/cnitool add cbtbench /var/run/netns/$cont >/dev/null"
  # podman's default network: bridge (ipMasq, hairpin) + portmap + firewall (backend "") + tuning, one published port.
  cat >"$work/net.d/20-podman.conflist" <<JSON
{"cniVersion":"1.0.0","name":"cbtbench-pod-$$","plugins":[
 {"type":"bridge","bridge":"cbtbench3","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","dataDir":"$work/l3ipam","ranges":[[{"subnet":"10.199.244.0/24"}]]}},
 {"type":"portmap","capabilities":{"portMappings":true}},{"type":"firewall","backend":""},{"type":"tuning"}]}
JSON
  pod() { # LABEL VERB PREPARE
    CAP_ARGS='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}' NETCONFPATH=$work/net.d \
      CNI_CACHE_DIR=$work/cache ip netns exec "$node" "$work/spawn-timer" "$runs" /dev/null "$3" \
      CNI_PATH="$ours" "$ours/cnitool" "$2" cbtbench-pod-$$ "/var/run/netns/$cont" ::: \
      CNI_PATH="$go" "$ours/cnitool" "$2" cbtbench-pod-$$ "/var/run/netns/$cont" | summarize "$1"
  }
  undo="$ours/cnitool del cbtbench-pod-$$ /var/run/netns/$cont >/dev/null 2>&1; $reset"
  pod "podman chain add (b+pm+fw+tu)" add "$undo"
  pod "podman chain del (b+pm+fw+tu)" del "$undo; $ours/cnitool add cbtbench-pod-$$ /var/run/netns/$cont >/dev/null"
  # containerd's CRI (kubelet) chain: bridge (ipMasq, hairpin) + portmap + firewall + tuning + bandwidth, a pod with one
  # hostPort and both bandwidth annotations, as CAP_ARGS carries them.
  cri_list cbtbench-cri-$$ cbtbench4 10.199.245.0/24
  crichain() { # LABEL VERB PREPARE
    CAP_ARGS=$(cri_caps 8080) NETCONFPATH=$work/net.d CNI_CACHE_DIR=$work/cache ip netns exec "$node" "$work/spawn-timer" "$runs" /dev/null "$3" \
      CNI_PATH="$ours" "$ours/cnitool" "$2" cbtbench-cri-$$ "/var/run/netns/$cont" ::: \
      CNI_PATH="$go" "$ours/cnitool" "$2" cbtbench-cri-$$ "/var/run/netns/$cont" | summarize "$1"
  }
  undo="CAP_ARGS='$(cri_caps 8080)' $ours/cnitool del cbtbench-cri-$$ /var/run/netns/$cont >/dev/null 2>&1; $reset"
  crichain "CRI chain add (b+pm+fw+tu+bw)" add "$undo"
  crichain "CRI chain del (b+pm+fw+tu+bw)" del "$undo; CAP_ARGS='$(cri_caps 8080)' $ours/cnitool add cbtbench-cri-$$ /var/run/netns/$cont >/dev/null"
fi

# 100 CRI-chain ADDs at once on one bridge (cbtbench5, 10.199.246.0/24), one container netns and host port each
# (cbt-bench-cc-PID-000..099, 20000-20099): wall time of the burst, median of 3 per implementation, alternating;
# every call must succeed, with 100 distinct addresses. An untimed parallel del of all 100 follows each burst.
if [ "$section" = cri-burst ]; then
  mkdir -p "$work/net.d" "$work/l3ipam" "$work/cache" "$work/cri-burst"
  cri_list cbtbench-crib-$$ cbtbench5 10.199.246.0/24
  for ((i = 0; i < 100; i++)); do ip netns add "$(printf 'cbt-bench-cc-%s-%03d' $$ "$i")"; done
  criburst() { # criburst PLUGINDIR VERB -> prints "wall_us failed"
    CAP_ARGS=$(cri_caps '20{i}') NETCONFPATH=$work/net.d CNI_CACHE_DIR=$work/cache CNI_PATH=$1 ip netns exec "$node" \
      "$work/spawn-many" 100 /dev/null "$work/cri-burst" "$ours/cnitool" "$2" cbtbench-crib-$$ "/var/run/netns/cbt-bench-cc-$$-{i}"
  }
  # One untimed add and del makes the bridge and its gateway address, as on a node that has run pods.
  read -r _ failed < <(criburst "$ours" add); read -r _ failed < <(criburst "$ours" del)
  declare -a co cg
  for b in 1 2 3; do
    for impl in ours go; do
      dir=$ours; [ "$impl" = go ] && dir=$go
      read -r us failed < <(criburst "$dir" add)
      ips=$(cat "$work/cri-burst"/* | grep -o '"address": *"10[^"]*"' | sort -u | wc -l)
      [ "$failed" -eq 0 ] && [ "$ips" -eq 100 ] || echo "CRI burst $impl: $failed failed, $ips distinct addresses" >&2
      read -r _ dfailed < <(criburst "$dir" del)
      [ "$dfailed" -eq 0 ] || echo "CRI burst $impl: $dfailed dels failed" >&2
      if [ "$impl" = ours ]; then co+=("$us"); else cg+=("$us"); fi
    done
  done
  med3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
  o=$(med3 "${co[@]}"); g=$(med3 "${cg[@]}")
  printf "| %-26s | %6.1f                | %6.1f                | %5.2f |          | 100 pods, 100 distinct IPs each burst |\n" \
    "100 concurrent CRI-chain ADDs, wall" "$(awk -v v="$o" 'BEGIN{print v/1000}')" "$(awk -v v="$g" 'BEGIN{print v/1000}')" "$(awk -v o="$o" -v g="$g" 'BEGIN{print o/g}')"
fi
