#!/usr/bin/env bash
# Side-by-side benchmark of cnibox against Debian's Go plugins (/usr/lib/cni), run as root.
# Every row is measured in the same run for both, alternating execs (bench/spawn-timer.c: posix_spawn +
# wait4, no shell in the timed path). Prints one markdown table: median, min, max, ratio, peak RSS.
# Usage: bench/run.sh [RUNS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
[ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: run as root (it creates network namespaces)" >&2; exit 1; }
bash tests/deps.sh
[ -x out/cnibox ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cnibox-bench.XXXXXX)
ns="cbt-bench-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
mkdir "$work/bin"
CNIBOX_BIN=out/cnibox ./symlinks.sh "$work/bin" >/dev/null
ip netns add "$ns"
go=/usr/lib/cni
ours=$work/bin

# row LABEL STDIN PREPARE PLUGIN: times $ours/PLUGIN and $go/PLUGIN with the current CNI_* env.
row() {
  local label=$1 input=$2 prepare=$3 plugin=$4
  "$work/spawn-timer" "$runs" "$input" "$prepare" "$ours/$plugin" ::: "$go/$plugin" |
    awk -v label="$label" '
      { t[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3; if ($4 != 0) bad[$1]++ }
      function median(c,   i, j, k, a, tmp) {
        k = n[c]; for (i = 1; i <= k; i++) a[i] = t[c, i]
        for (i = 2; i <= k; i++) { tmp = a[i]; for (j = i - 1; j > 0 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
        lo[c] = a[1]; hi[c] = a[k]
        return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
      }
      END {
        o = median(0); g = median(1)
        flag = (bad[0] || bad[1]) ? sprintf(" (failed runs: %d/%d)", bad[0], bad[1]) : ""
        printf "| %-24s | %5.2f (%5.2f-%5.2f) | %5.2f (%5.2f-%5.2f) | %5.2f | %9d / %9d |%s\n",
          label, o / 1000, lo[0] / 1000, hi[0] / 1000, g / 1000, lo[1] / 1000, hi[1] / 1000, o / g, rss[0], rss[1], flag
      }'
}

conf=$work/loopback.json
echo '{"cniVersion":"1.0.0","name":"cbt-bench","type":"loopback"}' >"$conf"
export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$ns CNI_IFNAME=lo CNI_PATH=$ours

echo "cnibox $(out/cnibox --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins)"
echo "$runs runs per cell, alternating; kernel $(uname -r), $(nproc) cores; times in ms: median (min-max)"
echo
echo "| operation                | cnibox ms            | Go ms                | ratio | peak RSS KiB ours / Go |"
echo "|--------------------------|----------------------|----------------------|-------|------------------------|"
CNI_COMMAND=VERSION row "VERSION" /dev/null "" loopback
CNI_COMMAND=ADD row "loopback ADD" "$conf" "ip -n $ns link set lo down" loopback
CNI_COMMAND=CHECK row "loopback CHECK" "$conf" "" loopback
CNI_COMMAND=DEL row "loopback DEL" "$conf" "ip -n $ns link set lo up" loopback

size=$(stat -c %s out/cnibox)
go_all=$(du -cb "$go"/* | tail -1 | cut -f1)
echo
echo "| binary size | cnibox $(awk -v s="$size" 'BEGIN{printf "%.2f MB", s/1e6}') ($(out/cnibox --list | wc -l) applets, one file) | Go $(awk -v s="$go_all" 'BEGIN{printf "%.2f MB", s/1e6}') ($(ls "$go" | wc -l) files) | ratio $(awk -v o="$size" -v g="$go_all" 'BEGIN{printf "%.2f", o/g}') |"
