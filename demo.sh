#!/usr/bin/env bash
# The main job: build cnibox, install it with its symlinks into a temp CNI bin dir, and use `cnibox cnitool` with
# an embedded default config list (bridge cbtdemo0 + host-local on 10.199.250.0/24, then loopback) to join two
# network namespaces; they ping each other, get checked and deleted. Everything runs inside a throwaway "node"
# namespace, so the real host's links, sysctls and routes are untouched; all of it is removed at exit.
# Each check and del prints "ok" or "FAILED"; the last line is "demo ok" or "demo FAILED" (exit 1).
set -euo pipefail
cd "$(dirname "$0")"
bash tests/deps.sh demo
bash tests/publish.sh
work=$(mktemp -d /tmp/cnibox-demo.XXXXXX)
node="cbt-demo-node-$$" a="cbt-demo-a-$$" b="cbt-demo-b-$$"
cleanup() {
  for ns in "$a" "$b" "$node"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/bin" "$work/net.d" "$work/cache" "$work/ipam"
CNIBOX_BIN=out/cnibox ./symlinks.sh "$work/bin" >/dev/null
cat >"$work/net.d/10-cbtdemo.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "cbtdemo",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cbtdemo0",
      "isGateway": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "10.199.250.0/24" }]],
        "dataDir": "$work/ipam"
      }
    },
    { "type": "loopback" }
  ]
}
JSON
for ns in "$node" "$a" "$b"; do ip netns add "$ns"; done
export NETCONFPATH=$work/net.d CNI_PATH=$work/bin CNI_CACHE_DIR=$work/cache
cnitool() { ip netns exec "$node" "$work/bin/cnitool" "$@"; }
failed=0
# outcome LABEL CMD...: runs CMD and prints "LABEL: ok" or "LABEL: FAILED (exit N)" after its output.
outcome() {
  local label=$1 rc=0
  shift
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then echo "$label: ok"; else echo "$label: FAILED (exit $rc)"; failed=1; fi
}

echo "cnibox $(out/cnibox --version): $(stat -c %s out/cnibox) bytes, applets: $(out/cnibox --list | tr '\n' ' ')"
echo "== cnitool list"
cnitool list
for ns in "$a" "$b"; do
  echo "== cnitool add cbtdemo /var/run/netns/$ns"
  cnitool add cbtdemo "/var/run/netns/$ns"
  echo
done
ip_a=$(ip -n "$a" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
ip_b=$(ip -n "$b" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
echo "== node: $(ip -n "$node" -br addr show dev cbtdemo0 | tr -s ' ')"
echo "== ping $a ($ip_a) -> $b ($ip_b)"
ip netns exec "$a" ping -c 2 -W 2 "$ip_b"
echo "== ping $b -> $a"
ip netns exec "$b" ping -c 2 -W 2 "$ip_a"
for ns in "$a" "$b"; do
  echo "== cnitool check / del cbtdemo /var/run/netns/$ns"
  outcome "check $ns" cnitool check cbtdemo "/var/run/netns/$ns"
  outcome "del $ns" cnitool del cbtdemo "/var/run/netns/$ns"
done
left=0
for ns in "$a" "$b"; do
  n=$(ip -n "$ns" -br link | grep -c '^eth0' || true)
  echo "== after del: $n eth0 in $ns"
  left=$((left + n))
done
held=$(ls "$work/ipam/cbtdemo" | grep -c '^10\.' || true)
echo "== after del: $held IPs held in $work/ipam/cbtdemo"
outcome "nothing left after del" test $((left + held)) -eq 0
[ "$failed" -eq 0 ] || { echo "demo FAILED"; exit 1; }
echo "demo ok"
