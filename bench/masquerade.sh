#!/usr/bin/env bash
# What ipMasq costs the bridge plugin: cnibox (nf_tables over netlink) vs Debian's Go bridge (runs iptables).
# Each implementation adds COUNT containers in sequence (ids bmq-<i>, veths eth<i> in one container netns), then
# deletes them, once with "ipMasq": true and once with false, inside a throwaway node netns; the masquerade cost
# is the difference. One container: median of REPEAT single add+del cycles. Run as root.
# Usage: bench/masquerade.sh [COUNT] [REPEAT]   (defaults 200 and 15)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
repeat=${2:-15}
[ "$(id -u)" -eq 0 ] || { echo "bench/masquerade.sh: run as root" >&2; exit 1; }
bash tests/deps.sh
[ -x out/cnibox ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cnibox-bmq.XXXXXX)
node="cbt-bmq-node-$$" cont="cbt-bmq-c-$$"
cleanup() { ip netns del "$node" 2>/dev/null || true; ip netns del "$cont" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
gcc -O2 -o "$work/spawn-many" bench/spawn-many.c
mkdir "$work/out"
mkdir "$work/bin"
CNIBOX_BIN=out/cnibox ./symlinks.sh "$work/bin" >/dev/null
ip netns add "$node"
ip netns add "$cont"
declare -A path=([cnibox]="$work/bin" [go]=/usr/lib/cni)

for masq in true false; do
  cat >"$work/masq-$masq.json" <<JSON
{"cniVersion":"1.0.0","name":"cbt-bmq","type":"bridge","bridge":"cbtbmq0","isGateway":true,"ipMasq":$masq,
 "ipam":{"type":"host-local","dataDir":"$work/ipam","ranges":[[{"subnet":"10.199.232.0/22"}]]}}
JSON
done

# Masquerade rules present in the node netns: nft rules of our table plus iptables CNI- chains (Go).
masq_state() {
  local nft ipt
  nft=$(ip netns exec "$node" nft list chain inet cni_plugins_masquerade masq_checks 2>/dev/null | grep -c " masquerade comment" || true)
  ipt=$(ip netns exec "$node" iptables -t nat -S 2>/dev/null | grep -c '^-N CNI-' || true)
  echo $((nft + ipt))
}

# cycle IMPL MASQ N -> "add_us del_us"; fails loudly on a failed call or on rules left behind
cycle() {
  local impl=$1 masq=$2 n=$3 add del failed
  rm -rf "$work/ipam"
  read -r add failed < <(CNI_COMMAND=ADD CNI_NETNS="/var/run/netns/$cont" CNI_PATH="${path[$impl]}" \
    BENCH_SEQUENTIAL=1 BENCH_CID_PREFIX=bmq ip netns exec "$node" "$work/spawn-many" "$n" "$work/masq-$masq.json" "$work/out" "${path[$impl]}/bridge")
  [ "$failed" -eq 0 ] || { echo "$impl ADD ipMasq=$masq: $failed of $n failed" >&2; exit 1; }
  local want=0; [ "$masq" = true ] && want=$n
  [ "$(masq_state)" -eq "$want" ] || { echo "$impl ADD ipMasq=$masq: $(masq_state) masquerade rules, want $want" >&2; exit 1; }
  read -r del failed < <(CNI_COMMAND=DEL CNI_NETNS="/var/run/netns/$cont" CNI_PATH="${path[$impl]}" \
    BENCH_SEQUENTIAL=1 BENCH_CID_PREFIX=bmq ip netns exec "$node" "$work/spawn-many" "$n" "$work/masq-$masq.json" "$work/out" "${path[$impl]}/bridge")
  [ "$failed" -eq 0 ] || { echo "$impl DEL ipMasq=$masq: $failed of $n failed" >&2; exit 1; }
  [ "$(masq_state)" -eq 0 ] || { echo "$impl DEL ipMasq=$masq left $(masq_state) masquerade rules" >&2; exit 1; }
  echo "$add $del"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ms() { awk -v v="$1" 'BEGIN {printf "%.2f", v / 1000}'; }

echo "cnibox $(out/cnibox --version) vs Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins) bridge + $(iptables --version)"
echo "kernel $(uname -r), $(nproc) cores; ms; masquerade cost = ipMasq on minus off"
echo
echo "| containers | impl | ADD+DEL ipMasq on | ADD+DEL ipMasq off | masquerade cost | cost ratio Go/cnibox |"
echo "|---|---|---|---|---|---|"
declare -A on off
for impl in cnibox go; do : >"$work/one-$impl-true"; : >"$work/one-$impl-false"; done
for _ in $(seq "$repeat"); do
  for impl in cnibox go; do
    for masq in true false; do
      read -r a d < <(cycle "$impl" "$masq" 1)
      echo $((a + d)) >>"$work/one-$impl-$masq"
    done
  done
done
for impl in cnibox go; do
  on[$impl]=$(median <"$work/one-$impl-true"); off[$impl]=$(median <"$work/one-$impl-false")
done
for impl in cnibox go; do
  cost=$(awk -v a="${on[$impl]}" -v b="${off[$impl]}" 'BEGIN {print a - b}')
  [ "$impl" = cnibox ] && ours_cost=$cost
  ratio=$([ "$impl" = go ] && awk -v g="$cost" -v o="$ours_cost" 'BEGIN {printf "%.1fx", g / o}' || echo "")
  echo "| 1 (median of $repeat) | $impl | $(ms "${on[$impl]}") | $(ms "${off[$impl]}") | $(ms "$cost") | $ratio |"
done
for impl in cnibox go; do
  read -r a1 d1 < <(cycle "$impl" true "$count")
  read -r a0 d0 < <(cycle "$impl" false "$count")
  cost=$(( (a1 + d1) - (a0 + d0) ))
  [ "$impl" = cnibox ] && ours_cost=$cost
  ratio=$([ "$impl" = go ] && awk -v g="$cost" -v o="$ours_cost" 'BEGIN {printf "%.1fx", g / o}' || echo "")
  echo "| $count in sequence | $impl | $(ms $((a1 + d1))) (add $(ms "$a1"), del $(ms "$d1")) | $(ms $((a0 + d0))) | $(ms "$cost") | $ratio |"
done
