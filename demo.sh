#!/usr/bin/env bash
# The main job: build cnibox, install it into a temp dir, and run loopback ADD, CHECK and DEL in a
# throwaway network namespace as a runtime would, printing each result. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")"
bash tests/deps.sh
bash tests/publish.sh
bindir=$(mktemp -d /tmp/cnibox-demo.XXXXXX)
ns="cbt-demo-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$bindir"; }
trap cleanup EXIT
CNIBOX_BIN=out/cnibox ./symlinks.sh "$bindir" >/dev/null
ip netns add "$ns"
conf='{"cniVersion":"1.1.0","name":"demo-lo","type":"loopback"}'
run() {
  local cmd=$1
  echo "== $cmd ($bindir/loopback, netns $ns)"
  set +e
  out=$(CNI_COMMAND=$cmd CNI_CONTAINERID=demo CNI_NETNS=/var/run/netns/$ns CNI_IFNAME=lo CNI_PATH=$bindir \
        "$bindir/loopback" <<<"$conf")
  rc=$?
  set -e
  [ -n "$out" ] && echo "$out"
  echo "exit $rc; lo: $(ip -n "$ns" -br addr show lo | tr -s ' ')"
  [ "$rc" -eq 0 ]
}
echo "cnibox $(out/cnibox --version), $(stat -c %s out/cnibox) bytes, applets: $(out/cnibox --list | tr '\n' ' ')"
echo "before: lo: $(ip -n "$ns" -br addr show lo | tr -s ' ')"
run ADD
run CHECK
run DEL
echo "demo ok"
