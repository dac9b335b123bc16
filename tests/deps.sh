#!/usr/bin/env bash
# Installs what building, the demo and the tests need on a Debian machine (root). Quiet when all is present.
set -euo pipefail
packages=(iproute2 iputils-ping nftables strace jq file containernetworking-plugins iptables hyperfine time linux-libc-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
