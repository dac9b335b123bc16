# firewall rows of bench/run.sh (sourced): firewall alone (prevResult given, backend iptables) ADD and DEL of one
# container while 0 and 1,000 other containers' rules are installed. Each implementation works on a node netns of
# its own (spawn-timer's @netns) whose filter FORWARD policy is DROP, as on a host that needs the plugin. Before the
# rows one untimed ADD and DEL per node leaves Go's chains (CNI-FORWARD jumped to from FORWARD, CNI-ADMIN first in
# it), so "0 installed" times the per-container rules only. The 1,000 are the same layout written by one
# iptables-restore per node (two rules per container in CNI-FORWARD, 10.199.234.2 up), not 1,000 plugin calls.
# PREPARE puts the timed container back: DEL before a timed ADD, ADD before a timed DEL, with the implementation
# about to be timed.

fw_conf() { # fw_conf FILE IP
  cat >"$1" <<JSON
{"cniVersion":"1.0.0","name":"cbt-bench-fw","type":"firewall","backend":"iptables",
 "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"cbtfb0"},{"name":"eth0","sandbox":"/var/run/netns/$cont"}],
  "ips":[{"address":"$2/24","gateway":"10.199.233.1","interface":1}]}}
JSON
}

fw_node() { # fw_node NAME PLUGIN-DIR: a node whose FORWARD drops, with the firewall's chains made by PLUGIN-DIR
  ip netns add "$1"
  ip -n "$1" link set lo up
  ip netns exec "$1" iptables -P FORWARD DROP
  ip netns exec "$1" ip6tables -P FORWARD DROP
  local verb
  for verb in ADD DEL; do
    CNI_COMMAND=$verb CNI_CONTAINERID=bfw-timed CNI_PATH="$2" ip netns exec "$1" "$2/firewall" <"$fwconf" >/dev/null \
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

fw_rows() { # fw_rows N: the ADD and DEL rows with N other containers installed
  CNI_COMMAND=ADD CNI_CONTAINERID=bfw-timed "$work/spawn-timer" "$runs" "$fwconf" \
    "CNI_COMMAND=DEL \$CNI_PATH/firewall <$fwconf >/dev/null" \
    @netns="/var/run/netns/$fwours" CNI_PATH="$ours" "$ours/firewall" ::: \
    @netns="/var/run/netns/$fwgo" CNI_PATH="$go" "$go/firewall" | summarize "firewall ADD, $1 installed"
  CNI_COMMAND=DEL CNI_CONTAINERID=bfw-timed "$work/spawn-timer" "$runs" "$fwconf" \
    "CNI_COMMAND=ADD \$CNI_PATH/firewall <$fwconf >/dev/null" \
    @netns="/var/run/netns/$fwours" CNI_PATH="$ours" "$ours/firewall" ::: \
    @netns="/var/run/netns/$fwgo" CNI_PATH="$go" "$go/firewall" | summarize "firewall DEL, $1 installed"
}

if want firewall; then
  fwours="cbt-fb-o-$$" fwgo="cbt-fb-g-$$"
  fwconf=$work/firewall.json
  fw_conf "$fwconf" 10.199.233.5
  fw_node "$fwours" "$ours"; fw_node "$fwgo" "$go"
  fw_rows 0
  fw_install "$fwours" 1000; fw_install "$fwgo" 1000
  fw_rows 1000
  ip netns del "$fwours"; ip netns del "$fwgo"
  # Our DEL removes the record of the timed container; a network directory left by a failed run goes here.
  rm -rf /var/lib/cni/firewall/cbt-bench-fw
  rmdir /var/lib/cni/firewall 2>/dev/null || true
fi
