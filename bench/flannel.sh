# flannel rows: the cost of the meta layer. Sourced by bench/run.sh (section "flannel", inside its node netns
# $node against $cont), or run alone as root: bench/flannel.sh [RUNS] (default 30), which makes its own
# cbt-fl-bench-* namespaces. flannel (k3s-like: delegate bridge cbtfl0, subnet.env 10.199.64.1/24 in
# 10.199.64.0/18) against our bridge alone given the very delegate config flannel saved, so both do the same
# kernel work; flannel adds reading subnet.env, building and saving the delegate, and running our bridge
# in its own process.
# Each timed run starts from the same state: PREPARE deletes the container's eth0, the IPAM allocations and the
# saved delegate; for DEL it then runs an untimed ADD with the command about to be timed (BENCH_I 0 flannel, 1 bridge).

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  runs=${1:-30}
  [ "$(id -u)" -eq 0 ] || { echo "bench/flannel.sh: run as root (it creates network namespaces)" >&2; exit 1; }
  cnibox=${CNIBOX_BIN:-out/cnibox}
  [ -x "$cnibox" ] || bash tests/publish.sh
  work=$(mktemp -d /tmp/cnibox-bench-fl.XXXXXX)
  node="cbt-fl-bench-node-$$" cont="cbt-fl-bench-c-$$"
  trap 'ip netns del "$node" 2>/dev/null; ip netns del "$cont" 2>/dev/null; rm -rf "$work"' EXIT
  gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
  mkdir "$work/bin"
  CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
  ours=$work/bin
  want() { true; }
  ip netns add "$node"; ip netns add "$cont"
  ip -n "$node" link set lo up
  export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$cont CNI_IFNAME=eth0
  echo "cnibox $("$work/bin/cnibox" --version); $runs runs per cell, alternating; kernel $(uname -r), $(nproc) cores"
  echo "times in ms: median (min-max); meta cost = flannel's median - bridge's median"
  echo
fi

if want flannel; then
  fldir=$work/flannel
  mkdir -p "$fldir/data"
  printf 'FLANNEL_NETWORK=10.199.64.0/18\nFLANNEL_SUBNET=10.199.64.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n' >"$fldir/subnet.env"
  cat >"$fldir/conf0.json" <<JSON
{"cniVersion":"1.0.0","name":"cbtbench-fl","type":"flannel","subnetFile":"$fldir/subnet.env","dataDir":"$fldir/data",
 "ipam":{"dataDir":"$fldir/ipam"},"delegate":{"bridge":"cbtfl0"}}
JSON
  flconf=$fldir/stdin.json
  flreset="ip -n $cont link del eth0 2>/dev/null; rm -f $fldir/ipam/*/10.* $fldir/ipam/*/last_reserved_ip.* $fldir/data/*"
  # PREPARE puts the config of the command about to be timed where the timer opens stdin.
  flselect="cp $fldir/conf\$BENCH_I.json $flconf"
  fladded="$flselect; $flreset; p=flannel; [ \$BENCH_I = 1 ] && p=bridge; CNI_COMMAND=ADD $ours/\$p <$flconf >/dev/null"
  # One untimed flannel ADD makes the bridge and its gateway address, which every timed run then finds in place,
  # and saves the delegate: bridge alone gets exactly that config.
  ip netns exec "$node" sh -c "export BENCH_I=0 CNI_PATH=$ours; $fladded && cp $fldir/data/$CNI_CONTAINERID $fldir/conf1.json; $flreset"
  # metarow LABEL VERB PREPARE: flannel (index 0) against bridge alone (index 1), both ours.
  metarow() {
    CNI_COMMAND=$2 ip netns exec "$node" "$work/spawn-timer" "$runs" "$flconf" "$3" \
      CNI_PATH="$ours" "$ours/flannel" ::: CNI_PATH="$ours" "$ours/bridge" |
    awk -v label="$1" '
      { t[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3; if ($4 != 0) bad[$1]++ }
      function median(c,   i, j, k, a, tmp) {
        k = n[c]; for (i = 1; i <= k; i++) a[i] = t[c, i]
        for (i = 2; i <= k; i++) { tmp = a[i]; for (j = i - 1; j > 0 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
        lo[c] = a[1]; hi[c] = a[k]
        return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
      }
      END {
        f = median(0); b = median(1)
        flag = (bad[0] || bad[1]) ? sprintf(" **failed runs: flannel %d, bridge %d of %d**", bad[0], bad[1], n[0]) : ""
        printf "| %-22s | %6.2f (%5.2f-%6.2f) | %6.2f (%5.2f-%6.2f) | %+6.3f | %7d / %7d |%s\n",
          label, f / 1000, lo[0] / 1000, hi[0] / 1000, b / 1000, lo[1] / 1000, hi[1] / 1000, (f - b) / 1000, rss[0], rss[1], flag
      }'
  }
  echo "| operation              | flannel+bridge ms     | bridge alone ms       | meta ms | RSS KiB fl / br |"
  echo "|------------------------|-----------------------|-----------------------|---------|-----------------|"
  metarow "flannel(+bridge) ADD" ADD "$flselect; $flreset"
  metarow "flannel(+bridge) DEL" DEL "$fladded"
  # CPU time (perf stat task-clock) of the same pairs: wall medians on a loaded box swing by more than the cost.
  if command -v perf >/dev/null; then
    cpu() { CNI_COMMAND=$1 ip netns exec "$node" perf stat -x, -e task-clock "$ours/$2" <"$flconf" 2>&1 >/dev/null | awk -F, '/task-clock/{print $1}'; }
    for i in $(seq 1 "$runs"); do
      for BENCH_I in 0 1; do
        p=flannel; [ "$BENCH_I" = 1 ] && p=bridge
        ip netns exec "$node" sh -c "export BENCH_I=$BENCH_I CNI_PATH=$ours; $flselect; $flreset"
        echo "$p ADD $(CNI_PATH=$ours cpu ADD $p)"
        echo "$p DEL $(CNI_PATH=$ours cpu DEL $p)"
      done
    done | awk '{ v[$1 " " $2, ++n[$1 " " $2]] = $3 }
      function median(k,   i, j, c, a, t) { c = n[k]; for (i = 1; i <= c; i++) a[i] = v[k, i]
        for (i = 2; i <= c; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2 }
      END { for (op = 0; op < 2; op++) { verb = op ? "DEL" : "ADD"; f = median("flannel " verb); b = median("bridge " verb)
        printf "| %-22s | %6.2f CPU            | %6.2f CPU            | %+6.3f |                 |\n", "flannel+bridge " verb " cpu", f, b, f - b } }'
  fi
  ip netns exec "$node" sh -c "$flreset"
  ip -n "$node" link del cbtfl0 2>/dev/null || true
fi
