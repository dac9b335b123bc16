#!/usr/bin/env bash
# Side-by-side benchmark of cnibox against Debian's Go plugins (/usr/lib/cni), run as root.
# Prints median wall time per operation (N runs each, interleaved), peak RSS and binary size.
# Usage: bench/run.sh [N]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
[ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: run as root (it creates a network namespace)" >&2; exit 1; }
bash tests/deps.sh
[ -x out/cnibox ] || bash tests/publish.sh
bindir=$(mktemp -d /tmp/cnibox-bench.XXXXXX)
ns="cbt-bench-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$bindir"; }
trap cleanup EXIT
CNIBOX_BIN=out/cnibox ./symlinks.sh "$bindir" >/dev/null
ip netns add "$ns"
go=/usr/lib/cni
conf='{"cniVersion":"1.0.0","name":"cbt-bench","type":"loopback"}'
export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$ns CNI_IFNAME=lo CNI_PATH=$bindir

# now_us: microseconds from bash's clock, no fork.
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m}'; }

# measure VERB PREPARE: runs ours and Go's alternately N times; prints "ours_us go_us".
measure() {
  local verb=$1 prepare=$2 ours=() theirs=() i t0 t1
  for ((i = 0; i < n; i++)); do
    for impl in ours go; do
      [ -n "$prepare" ] && eval "$prepare"
      local bin="$bindir/loopback"; [ "$impl" = go ] && bin="$go/loopback"
      t0=$EPOCHREALTIME
      CNI_COMMAND=$verb "$bin" <<<"$conf" >/dev/null
      t1=$EPOCHREALTIME
      local us=$(( ${t1/./} - ${t0/./} ))
      if [ "$impl" = ours ]; then ours+=("$us"); else theirs+=("$us"); fi
    done
  done
  echo "$(printf '%s\n' "${ours[@]}" | median) $(printf '%s\n' "${theirs[@]}" | median)"
}

row() { # label ours_us go_us
  awk -v l="$1" -v o="$2" -v g="$3" 'BEGIN { printf "| %-26s | %9.2f ms | %9.2f ms | %5.2f |\n", l, o/1000, g/1000, o/g }'
}

echo "cnibox $(out/cnibox --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins); N=$n, kernel $(uname -r), $(nproc) cores"
echo
echo "| operation (median wall)    |    cnibox    |  Go plugin   | ratio |"
echo "|----------------------------|--------------|--------------|-------|"
read -r o g < <(measure VERSION "")
row "VERSION" "$o" "$g"
read -r o g < <(measure ADD "ip -n $ns link set lo down")
row "loopback ADD (lo down)" "$o" "$g"
read -r o g < <(measure CHECK "")
row "loopback CHECK" "$o" "$g"
read -r o g < <(measure DEL "ip -n $ns link set lo up")
row "loopback DEL (lo up)" "$o" "$g"

rss() { /usr/bin/time -f %M env CNI_COMMAND=ADD "$1" <<<"$conf" 2>&1 >/dev/null | tail -1; }
ip -n "$ns" link set lo down; ours_rss=$(rss "$bindir/loopback")
ip -n "$ns" link set lo down; go_rss=$(rss "$go/loopback")
echo
echo "| peak RSS, loopback ADD     | $(printf '%8d KiB' "$ours_rss") | $(printf '%8d KiB' "$go_rss") | $(awk -v o="$ours_rss" -v g="$go_rss" 'BEGIN{printf "%5.2f", o/g}') |"
size=$(stat -c %s out/cnibox)
go_loopback=$(stat -c %s "$go/loopback")
go_all=$(du -cb "$go"/* | tail -1 | cut -f1)
echo "| binary size                | $(awk -v s="$size" 'BEGIN{printf "%7.2f MB", s/1e6}') | $(awk -v s="$go_all" 'BEGIN{printf "%7.2f MB", s/1e6}') | $(awk -v o="$size" -v g="$go_all" 'BEGIN{printf "%5.2f", o/g}') |"
echo
echo "cnibox holds $(out/cnibox --list | wc -l) applet(s) in one file; Go: $(ls "$go" | wc -l) files ($(awk -v s="$go_loopback" 'BEGIN{printf "%.2f MB", s/1e6}') for loopback alone)."
