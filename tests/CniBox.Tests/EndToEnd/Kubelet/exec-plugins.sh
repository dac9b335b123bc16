#!/usr/bin/env bash
# Usage: exec-plugins.sh add|del CONTAINER-ID NETNS-PATH
# The CNI walkthrough's loop, as kubelet's exec driver once ran it: every *.conf of $NETCONFPATH in name order (DEL in
# reverse), each run as the plugin its "type" names from $CNI_PATH, the file on stdin, CNI_IFNAME=eth<position>.
# Prints each plugin's stdout as one compact JSON line; the first failure names the network and exits 1.
set -euo pipefail
[ $# -eq 3 ] || { sed -n '2,4s/^# \{0,1\}//p' "$0" >&2; exit 2; }
NETCONFPATH=${NETCONFPATH-/etc/cni/net.d}
: "${CNI_PATH:?CNI_PATH must name the plugin directory}"
export CNI_COMMAND=${1^^} CNI_CONTAINERID=$2 CNI_NETNS=$3 CNI_PATH PATH=$CNI_PATH:$PATH
shopt -s nullglob
confs=("$NETCONFPATH"/*.conf)
order=$(seq 0 $((${#confs[@]} - 1)))
[ "$CNI_COMMAND" = DEL ] && order=$(seq $((${#confs[@]} - 1)) -1 0)
for i in $order; do
  conf=${confs[$i]}
  name=$(jq -r .name "$conf")
  plugin=$(jq -r .type "$conf")
  export CNI_IFNAME=eth$i
  if ! res=$("$plugin" <"$conf"); then
    echo "$name : error executing $CNI_COMMAND: $(jq -r .msg <<<"$res" 2>/dev/null || echo "$res")" >&2
    exit 1
  fi
  [ -z "$res" ] || jq -c . <<<"$res"
done
