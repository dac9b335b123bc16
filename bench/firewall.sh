# firewall rows of bench/run.sh (sourced): firewall alone (prevResult given, backend iptables) ADD and DEL of one
# container while 0 and 1,000 other containers' rules are installed. Each implementation works on a node netns of
# its own (spawn-timer's @netns) whose filter FORWARD policy is DROP, as on a host that needs the plugin. Before the
# rows one untimed ADD and DEL per node leaves Go's chains (CNI-FORWARD jumped to from FORWARD, CNI-ADMIN first in
# it), so "0 installed" times the per-container rules only. The 1,000 are the same layout written by one
# iptables-restore per node (two rules per container in CNI-FORWARD, 10.199.234.2 up), not 1,000 plugin calls.
# PREPARE puts the timed container back: DEL before a timed ADD, ADD before a timed DEL, with the implementation
# about to be timed. The "nft" rows give the same config without "backend", as podman writes it: ours then works on a
# node with no iptables table at all, where it picks its nftables backend (table inet cnibox_firewall; the 1,000 are
# written by one nft -f of the same layout), Go on its iptables node as before (it probes D-Bus, then iptables).

fw_conf() { # fw_conf FILE IP [BACKEND-MEMBER]
  cat >"$1" <<JSON
{"cniVersion":"1.0.0","name":"cbt-bench-fw-$$","type":"firewall"${3:-},
 "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"cbtfb0"},{"name":"eth0","sandbox":"/var/run/netns/$cont"}],
  "ips":[{"address":"$2/24","gateway":"10.199.233.1","interface":1}]}}
JSON
}

# fw_node NAME PLUGIN-DIR CONF [iptables [CID]]: a node (with iptables: whose FORWARD drops), with the firewall's chains or
# table made by one untimed ADD and DEL of PLUGIN-DIR with CONF.
fw_node() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  if [ "${4:-}" = iptables ]; then
    ip netns exec "$1" iptables -P FORWARD DROP
    ip netns exec "$1" ip6tables -P FORWARD DROP
  fi
  local verb
  for verb in ADD DEL; do
    CNI_COMMAND=$verb CNI_CONTAINERID=${5:-bfw-timed} CNI_PATH="$2" ip netns exec "$1" "$2/firewall" <"$3" >/dev/null \
      || { echo "firewall bench: untimed $verb with $2 failed" >&2; exit 1; }
  done
}

# fw_install NODE COUNT: COUNT containers' rules appended to CNI-FORWARD by one iptables-restore, then counted.
fw_install() {
  local i ip
  {
    echo '*filter'
    for ((i = 0; i < $2; i++)); do
      ip="10.199.$((234 + i / 250)).$((i % 250 + 2))"
      echo "-A CNI-FORWARD -d $ip/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
      echo "-A CNI-FORWARD -s $ip/32 -j ACCEPT"
    done
    echo COMMIT
  } | ip netns exec "$1" iptables-restore --noflush
  local rules
  rules=$(ip netns exec "$1" iptables -S CNI-FORWARD | grep -c -- '-j ACCEPT$')
  [ "$rules" -eq $((2 * $2)) ] || { echo "firewall bench: $1 holds $rules accepts, not $((2 * $2))" >&2; exit 1; }
}

# fw_nft_install NODE COUNT: the same containers' accepts in our table's chain by one nft -f, then counted.
fw_nft_install() {
  local i ip
  for ((i = 0; i < $2; i++)); do
    ip="10.199.$((234 + i / 250)).$((i % 250 + 2))"
    echo "add rule inet cnibox_firewall containers ip daddr $ip ct state established,related accept comment \"bfw-$i eth0\""
    echo "add rule inet cnibox_firewall containers ip saddr $ip accept comment \"bfw-$i eth0\""
  done | ip netns exec "$1" nft -f -
  local rules
  rules=$(ip netns exec "$1" nft list chain inet cnibox_firewall containers | grep -c ' accept comment ')
  [ "$rules" -eq $((2 * $2)) ] || { echo "firewall bench: $1 holds $rules accepts, not $((2 * $2))" >&2; exit 1; }
}

fw_rows() { # fw_rows LABEL CONF OUR-NODE N: the ADD and DEL rows, ours on OUR-NODE, Go on its iptables node
  CNI_COMMAND=ADD CNI_CONTAINERID=bfw-timed "$work/spawn-timer" "$runs" "$2" \
    "CNI_COMMAND=DEL \$CNI_PATH/firewall <$2 >/dev/null" \
    @netns="/var/run/netns/$3" CNI_PATH="$ours" "$ours/firewall" ::: \
    @netns="/var/run/netns/$fwgo" CNI_CONTAINERID=bfw-timed-g CNI_PATH="$go" "$go/firewall" | summarize "firewall ${1}ADD, $4 installed"
  CNI_COMMAND=DEL CNI_CONTAINERID=bfw-timed "$work/spawn-timer" "$runs" "$2" \
    "CNI_COMMAND=ADD \$CNI_PATH/firewall <$2 >/dev/null" \
    @netns="/var/run/netns/$3" CNI_PATH="$ours" "$ours/firewall" ::: \
    @netns="/var/run/netns/$fwgo" CNI_CONTAINERID=bfw-timed-g CNI_PATH="$go" "$go/firewall" | summarize "firewall ${1}DEL, $4 installed"
}

if want firewall; then
  fwours="cbt-fb-o-$$" fwgo="cbt-fb-g-$$" fwnft="cbt-fb-n-$$"
  fwconf=$work/firewall.json fwauto=$work/firewall-auto.json
  fw_conf "$fwconf" 10.199.233.5 ',"backend":"iptables"'
  fw_conf "$fwauto" 10.199.233.5
  fw_node "$fwours" "$ours" "$fwconf" iptables; fw_node "$fwgo" "$go" "$fwconf" iptables bfw-timed-g; fw_node "$fwnft" "$ours" "$fwauto"
  for fwn in 0 1000; do
    if [ "$fwn" -gt 0 ]; then fw_install "$fwours" "$fwn"; fw_install "$fwgo" "$fwn"; fw_nft_install "$fwnft" "$fwn"; fi
    fw_rows "" "$fwconf" "$fwours" "$fwn"
    fw_rows "nft " "$fwauto" "$fwnft" "$fwn"
  done
  ip netns del "$fwours"; ip netns del "$fwgo"; ip netns del "$fwnft"
  # Our DEL removes the record of the timed container; a network directory left by a failed run goes here.
  rm -rf /var/lib/cni/firewall/cbt-bench-fw-$$
  rmdir /var/lib/cni/firewall 2>/dev/null || true
fi
