#!/usr/bin/env bash
# Usage: symlinks.sh [DIR] [--force]
# Copies the published cnibox into DIR (default /opt/cni/bin) and points one symlink per applet at it.
# Idempotent. A regular file with an applet's name (e.g. a Go plugin) is kept unless --force is given.
set -euo pipefail
dir=/opt/cni/bin
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,4s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) dir=$arg ;;
  esac
done
bin=${CNIBOX_BIN:-$(dirname "$(readlink -f "$0")")/out/cnibox}
[ -x "$bin" ] || { echo "symlinks.sh: $bin not found; run: dotnet publish -c Release -r linux-x64 -o out" >&2; exit 1; }

mkdir -p "$dir"
if [ "$(readlink -f "$bin")" != "$(readlink -f "$dir/cnibox" 2>/dev/null || true)" ]; then
  install -m 0755 "$bin" "$dir/cnibox.new"
  mv -f "$dir/cnibox.new" "$dir/cnibox"
fi
refused=0
for applet in $("$dir/cnibox" --list); do
  link="$dir/$applet"
  if [ -e "$link" ] && [ ! -L "$link" ] && [ "$force" -eq 0 ]; then
    echo "symlinks.sh: $link exists and is not a symlink; kept (use --force to replace it)" >&2
    refused=1
    continue
  fi
  [ "$(readlink "$link" 2>/dev/null || true)" = cnibox ] || ln -sfn cnibox "$link"
done
exit "$refused"
