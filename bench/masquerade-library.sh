#!/usr/bin/env bash
# The masquerade layout alone, in-process (no plugin process start), vs the Go backends' iptables and nft process
# sequences; see bench/NetfilterLibrary/Program.cs. Run as root. Usage: bench/masquerade-library.sh [COUNT] [ONE_RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/masquerade-library.sh: run as root" >&2; exit 1; }
bash tests/deps.sh
dotnet run -c Release --project bench/NetfilterLibrary -- "$@"
