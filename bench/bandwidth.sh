# bandwidth rows of bench/run.sh (sourced): ADD and DEL of bandwidth chained after a veth, inside the node netns
# $node against the container netns $cont. The veth (container eth1, node end cbtbwbench0) is made once, untimed;
# the prevResult names it as a ptp or bridge ADD would. Both directions are shaped, so ADD makes the veth's TBF,
# the ifb, the ingress qdisc, the redirect filter and the ifb's TBF; DEL removes the ifb.
bwhost=cbtbwbench0
ip -n "$cont" link add eth1 type veth peer name "$bwhost" netns "$node"
ip -n "$cont" link set eth1 up
ip -n "$node" link set "$bwhost" up
bwconf=$work/bandwidth.json
cat >"$bwconf" <<JSON
{"cniVersion":"1.0.0","name":"cbtbench-bw","type":"bandwidth",
 "ingressRate":10000000,"ingressBurst":96000,"egressRate":20000000,"egressBurst":96000,
 "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"$bwhost"},{"name":"eth1","sandbox":"/var/run/netns/$cont"}],
  "ips":[{"address":"10.199.244.2/24","interface":1}]}}
JSON
# Both implementations name the ifb alike (bwp + hash of network and container id); learn it from one ADD.
bwifb=$(CNI_IFNAME=eth1 CNI_COMMAND=ADD ip netns exec "$node" "$ours/bandwidth" <"$bwconf" | jq -r '.interfaces[2].name')
bwreset="ip link del $bwifb 2>/dev/null; tc qdisc del dev $bwhost root 2>/dev/null; tc qdisc del dev $bwhost ingress 2>/dev/null; true"
CNI_IFNAME=eth1 noderow "bandwidth ADD" ADD "$bwconf" "$bwreset" bandwidth
CNI_IFNAME=eth1 noderow "bandwidth DEL" DEL "$bwconf" "$bwreset; CNI_COMMAND=ADD \$CNI_PATH/bandwidth <$bwconf >/dev/null" bandwidth
