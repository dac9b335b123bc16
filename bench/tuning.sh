# tuning rows of bench/run.sh (sourced): the chained tuning plugin on the container's eth0, run inside the node
# netns $node against $cont like the L3 rows. The prevResult is hand-made (tuning only reads the interface
# name). PREPARE gives every timed run a fresh veth (both ends in the container, name cbttubench0 for the peer)
# and no backup file; for DEL it then runs an untimed ADD with the implementation about to be timed.

if want tuning; then
  tudir=$work/tuning
  tuconf=$work/tuning.json
  cat >"$tuconf" <<JSON
{"cniVersion":"1.0.0","name":"cbtbench-tu","type":"tuning","dataDir":"$tudir",
 "sysctl":{"net.ipv4.conf.IFNAME.arp_notify":"1","net.core.somaxconn":"1024"},
 "mac":"02:00:00:19:99:01","mtu":1400,"promisc":true,"allmulti":true,
 "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/var/run/netns/$cont"}],
  "ips":[{"address":"10.199.199.2/24","interface":0}]}}
JSON
  tureset="ip -n $cont link del eth0 2>/dev/null; ip -n $cont link add eth0 type veth peer name cbttubench0; rm -rf $tudir"
  noderow "tuning ADD" ADD "$tuconf" "$tureset" tuning
  noderow "tuning DEL" DEL "$tuconf" "$tureset; CNI_COMMAND=ADD \$CNI_PATH/tuning <$tuconf >/dev/null" tuning
  ip -n "$cont" link del eth0 2>/dev/null || true
fi
