#!/usr/bin/env bash
# Publishes the static NativeAOT binary to out/cnibox and checks it really is static.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish CniBox.csproj -c Release -r linux-x64 -o out -nologo -v quiet -clp:ErrorsOnly >&2
file out/cnibox | grep -q "statically linked" || { echo "out/cnibox is not statically linked" >&2; exit 1; }
