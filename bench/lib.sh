# Helpers for bench/run.sh (sourced). Expects: $runs, $work (temp dir), $ours and $go (plugin dirs),
# $node (the host-like netns every L3 plugin runs in), $work/spawn-timer.

# summarize LABEL: reads spawn-timer lines (index 0 = cnibox, 1 = Go, optional 2 = the `ip` floor) and
# prints one table row: median (min-max) in ms, ratio of medians, floor median, peak RSS. Failed runs (non-zero
# exit) are counted and flagged, never fatal: a row that cannot run yet still reports how it failed.
summarize() {
  awk -v label="$1" '
      { t[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3; if ($4 != 0) bad[$1]++ }
      function median(c,   i, j, k, a, tmp) {
        k = n[c]; for (i = 1; i <= k; i++) a[i] = t[c, i]
        for (i = 2; i <= k; i++) { tmp = a[i]; for (j = i - 1; j > 0 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
        lo[c] = a[1]; hi[c] = a[k]
        return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
      }
      END {
        o = median(0); g = median(1)
        floor = n[2] ? sprintf("%6.2f", median(2) / 1000) : ""
        flag = (bad[0] || bad[1] || bad[2]) ? sprintf(" **failed runs: ours %d, Go %d%s of %d**", bad[0], bad[1], n[2] ? ", ip " bad[2] : "", n[0]) : ""
        printf "| %-26s | %6.2f (%5.2f-%6.2f) | %6.2f (%5.2f-%6.2f) | %5.2f | %8s | %7d / %7d |%s\n",
          label, o / 1000, lo[0] / 1000, hi[0] / 1000, g / 1000, lo[1] / 1000, hi[1] / 1000, o / g, floor, rss[0], rss[1], flag
      }'
}

# row LABEL STDIN PREPARE PLUGIN [FLOOR...]: times $ours/PLUGIN against $go/PLUGIN (and FLOOR) with the current
# CNI_* env, in the host netns: only for plugins that touch no host state (loopback acts in its own netns,
# host-local only on files).
row() {
  local label=$1 input=$2 prepare=$3 plugin=$4
  shift 4
  local floor=()
  [ $# -eq 0 ] || floor=(::: "$@")
  "$work/spawn-timer" "$runs" "$input" "$prepare" "$ours/$plugin" ::: "$go/$plugin" "${floor[@]}" | summarize "$label"
}

# noderow LABEL VERB STDIN PREPARE PLUGIN [FLOOR...]: times PLUGIN inside the node netns, each implementation
# with its own CNI_PATH (our bridge finds host-local there; Go's must find Go's). PREPARE sees that CNI_PATH, so
# "$CNI_PATH/PLUGIN" in it is the implementation about to be timed. FLOOR (optional) is a third command, the
# `ip` processes doing the same kernel work; its CNI_PATH is $work/floor, where PLUGIN is a script doing the
# floor's ADD, so a PREPARE that runs an untimed "$CNI_PATH/PLUGIN" ADD works for all three. With floorpath=DIR set,
# the floor's CNI_PATH is DIR instead (l3.sh: our plugins, so a DEL floor deletes the very veth our ADD made).
noderow() {
  local label=$1 verb=$2 input=$3 prepare=$4 plugin=$5
  shift 5
  local floor=()
  [ $# -eq 0 ] || floor=(::: CNI_PATH="${floorpath:-$work/floor}" "$@")
  CNI_COMMAND=$verb ip netns exec "$node" "$work/spawn-timer" "$runs" "$input" "$prepare" \
    CNI_PATH="$ours" "$ours/$plugin" ::: CNI_PATH="$go" "$go/$plugin" "${floor[@]}" | summarize "$label"
}

# netconf FILE NAME TYPE SUBNET IPAMDIR [EXTRA-JSON-MEMBERS]: a cniVersion 1.0.0 config with host-local IPAM.
netconf() {
  echo "{\"cniVersion\":\"1.0.0\",\"name\":\"$2\",\"type\":\"$3\"${6:+,$6},\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"$5\",\"ranges\":[[{\"subnet\":\"$4\"}]]}}" >"$1"
}

# cri_list NAME BRIDGE SUBNET: containerd's CRI conflist in $work/net.d: bridge (ipMasq, hairpin) + portmap + firewall
# + tuning + bandwidth, host-local in $work/l3ipam.
cri_list() {
  cat >"$work/net.d/30-$1.conflist" <<JSON
{"cniVersion":"1.0.0","name":"$1","plugins":[
 {"type":"bridge","bridge":"$2","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","dataDir":"$work/l3ipam","ranges":[[{"subnet":"$3"}]]}},
 {"type":"portmap","capabilities":{"portMappings":true}},{"type":"firewall"},{"type":"tuning"},
 {"type":"bandwidth","capabilities":{"bandwidth":true}}]}
JSON
}

# cri_caps HOSTPORT: CAP_ARGS of a pod with one TCP hostPort and kubelet's bandwidth annotations (10/20 Mbit/s).
cri_caps() {
  printf '{"portMappings":[{"hostPort":%s,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"ingressRate":10000000,"ingressBurst":96000,"egressRate":20000000,"egressBurst":96000}}' "$1"
}
