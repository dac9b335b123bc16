#!/usr/bin/env bash
# Usage: tests/deps.sh [tests|demo]
# Installs what the tests and benchmarks (default) or only demo.sh need on a Debian machine (root), and checks
# that the .NET 10 SDK (`dotnet`) is on PATH. Quiet when all is present.
set -euo pipefail
case "${1:-tests}" in
  # demo.sh: ip, ping, the NativeAOT link's C toolchain, and `file` for publish.sh's static-binary check.
  demo) packages=(iproute2 iputils-ping gcc libc6-dev zlib1g-dev file) ;;
  tests) packages=(iproute2 iputils-ping gcc libc6-dev zlib1g-dev file nftables strace jq containernetworking-plugins
    iptables time linux-libc-dev conntrack iperf3 firewalld dbus podman runc containerd busybox-static curl dnsmasq-base) ;;
  *) sed -n '2s/^# //p' "$0" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # firewalld is for the tests' private instance inside a netns: it must never start as the host's firewall;
  # containerd likewise only runs as the end-to-end tests' private daemons.
  guard=""
  if [[ " ${missing[*]} " == *" firewalld "* || " ${missing[*]} " == *" containerd "* ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$guard" && chmod +x "$guard"
  fi
  apt-get install -y -qq "${missing[@]}" >/dev/null
  [ -z "$guard" ] || rm -f "$guard"
  if [ -d /run/systemd/system ]; then
    for unit in firewalld containerd; do
      [[ " ${missing[*]} " == *" $unit "* ]] && { systemctl disable -q --now "$unit" || true; }
    done
  fi
fi
command -v dotnet >/dev/null || { echo "the .NET 10 SDK (dotnet) is required on PATH: see README.md, Install" >&2; exit 1; }
