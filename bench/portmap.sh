# portmap rows of bench/run.sh (sourced): portmap alone (prevResult given) ADD and DEL of one container while
# 0, 100 and 1,000 other containers' mappings are installed. Each implementation works on a node netns of its
# own (spawn-timer's @netns), so Go's iptables rules and our nf_tables rules never meet; both nodes have one veth
# end cbtbpm0 with 10.199.112.1/21 (and fd99:0:112::1/64), the route to every container address. Go 1.1.1 uses
# its iptables backend (its default), ours nf_tables. PREPARE puts the container back: DEL before a timed ADD,
# ADD before a timed DEL, with the implementation about to be timed.

pm_conf() { # pm_conf FILE CID IP HOSTPORT
  cat >"$1" <<JSON
{"cniVersion":"1.0.0","name":"cbt-bench-pm-$$","type":"portmap","capabilities":{"portMappings":true},
 "runtimeConfig":{"portMappings":[{"hostPort":$4,"containerPort":80,"protocol":"tcp"},
                                  {"hostPort":$4,"containerPort":80,"protocol":"udp"}]},
 "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"cbtbpm0"},{"name":"eth0","sandbox":"/var/run/netns/$cont"}],
  "ips":[{"address":"$3/21","gateway":"10.199.112.1","interface":1}]}}
JSON
}

pm_node() { # pm_node NAME: a node netns with the route to the containers
  ip netns add "$1"
  ip -n "$1" link set lo up
  ip -n "$1" link add cbtbpm0 type veth peer name cbtbpm1
  ip -n "$1" addr add 10.199.112.1/21 dev cbtbpm0
  ip -n "$1" link set cbtbpm0 up
  ip -n "$1" link set cbtbpm1 up
}

# pm_install DIR NODE FROM TO: containers FROM..TO-1 (ids bpm-<i>, ports 20000+i) added with DIR's portmap.
pm_install() {
  local i ip
  for ((i = $3; i < $4; i++)); do
    ip="10.199.$((112 + (i + 10) / 250)).$(((i + 10) % 250 + 2))"
    pm_conf "$work/pm-i.json" "bpm-$i" "$ip" $((20000 + i))
    CNI_COMMAND=ADD CNI_CONTAINERID="bpm-$i" CNI_PATH="$1" ip netns exec "$2" "$1/portmap" <"$work/pm-i.json" >/dev/null \
      || { echo "portmap bench: install $i with $1 failed" >&2; exit 1; }
  done
}

pm_rows() { # pm_rows N: the ADD and DEL rows with N other containers installed
  local prep="CNI_CONTAINERID=bpm-timed"
  CNI_COMMAND=ADD CNI_CONTAINERID=bpm-timed "$work/spawn-timer" "$runs" "$pmconf" \
    "CNI_COMMAND=DEL \$CNI_PATH/portmap <$pmconf >/dev/null" \
    @netns="/var/run/netns/$pmours" CNI_PATH="$ours" "$ours/portmap" ::: \
    @netns="/var/run/netns/$pmgo" CNI_PATH="$go" "$go/portmap" | summarize "portmap ADD, $1 installed"
  CNI_COMMAND=DEL CNI_CONTAINERID=bpm-timed "$work/spawn-timer" "$runs" "$pmconf" \
    "CNI_COMMAND=ADD \$CNI_PATH/portmap <$pmconf >/dev/null" \
    @netns="/var/run/netns/$pmours" CNI_PATH="$ours" "$ours/portmap" ::: \
    @netns="/var/run/netns/$pmgo" CNI_PATH="$go" "$go/portmap" | summarize "portmap DEL, $1 installed"
}

if want portmap; then
  pmours="cbt-bench-pmo-$$" pmgo="cbt-bench-pmg-$$"
  pm_node "$pmours"; pm_node "$pmgo"
  pmconf=$work/portmap.json
  pm_conf "$pmconf" bpm-timed 10.199.112.5 8080
  pm_rows 0
  pm_install "$ours" "$pmours" 0 100; pm_install "$go" "$pmgo" 0 100
  pm_rows 100
  pm_install "$ours" "$pmours" 100 1000; pm_install "$go" "$pmgo" 100 1000
  pm_rows 1000
  ip netns del "$pmours"; ip netns del "$pmgo"
  # The 1,000 installed mappings' registry files (our portmap records each container's rule handles).
  rm -rf /var/lib/cni/portmap/cbt-bench-pm-$$
  # And their host-port index entries (node-wide, /var/lib/cni/portmap/.hostports/<family>-<proto>-<port>/<cid>).
  find /var/lib/cni/portmap/.hostports -name 'bpm-*' -delete 2>/dev/null || true
  find /var/lib/cni/portmap/.hostports -mindepth 1 -type d -empty -delete 2>/dev/null || true
  # The index itself once no network is recorded, as the plugin's last DEL leaves it.
  if [ -d /var/lib/cni/portmap ] && [ -z "$(find /var/lib/cni/portmap -mindepth 1 -maxdepth 1 -type d ! -name '.*' -print -quit)" ]; then
    rm -rf /var/lib/cni/portmap/.hostports
    rmdir /var/lib/cni/portmap 2>/dev/null || true
  fi
fi
