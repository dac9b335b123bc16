#!/usr/bin/env bash
# Binary size, cnibox vs Go: the one static ELF against the Go plugins it replaces (those in BENCH_BASELINE,
# default /usr/lib/cni, that have an applet of the same name), plus the ELF sections that make up cnibox and
# issue 20's goal (<= 8,000,000 bytes). Usage: bench/size.sh (publishes out/cnibox first when CNIBOX_BIN is unset
# and out/cnibox is missing). Needs no root and no network namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
cnibox=${CNIBOX_BIN:-out/cnibox}
[ -n "${CNIBOX_BIN:-}" ] || [ -x out/cnibox ] || bash tests/publish.sh
go=${BENCH_BASELINE:-/usr/lib/cni}
work=$(mktemp -d /tmp/cnibox-size.XXXXXX)
trap 'rm -rf "$work"' EXIT
CNIBOX_BIN=$(realpath "$cnibox") ./symlinks.sh "$work" >/dev/null
ours=$(stat -c %s "$cnibox")
applets=0 matched=0 go_total=0
for link in "$work"/*; do
  applets=$((applets + 1))
  name=$(basename "$link")
  if [ -f "$go/$name" ]; then
    matched=$((matched + 1))
    go_total=$((go_total + $(stat -c %s "$go/$name")))
  fi
done
goal=8000000
printf '| %-40s | %12s |\n' "binary" "bytes"
printf '| %-40s | %12d |\n' "cnibox ($applets applets, one ELF)" "$ours"
printf '| %-40s | %12d |\n' "Go: the $matched plugins of the same names" "$go_total"
printf '| %-40s | %12s |\n' "issue 20 goal (<= $goal)" "$([ "$ours" -le "$goal" ] && echo met || echo "over by $((ours - goal))")"
echo
echo "cnibox sections over 64 KiB (bytes):"
size -A "$cnibox" | awk '$1 ~ /^[._]/ && $2 >= 65536 { printf "  %-24s %10d\n", $1, $2 }'
