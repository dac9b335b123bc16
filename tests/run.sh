#!/usr/bin/env bash
# The test command: deps, publish, then every NUnit test (unit, process, integration as root, differential).
# Ends with one line "tests: N passed, M failed" (skipped tests are listed after it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/deps.sh
bash tests/publish.sh
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
CNIBOX_BIN="$PWD/out/cnibox" dotnet test tests/CniBox.Tests/CniBox.Tests.csproj -nologo \
  --logger "trx;LogFileName=$results/tests.trx" --logger "console;verbosity=normal" || status=$?
counters=$(grep -o '<Counters [^>]*>' "$results/tests.trx" || true)
field() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
passed=$(field passed); failed=$(field failed); total=$(field total)
[ -n "$total" ] || { echo "tests: 0 passed, 1 failed"; exit 1; }
skipped=$(( total - passed - failed ))
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
[ "$status" -eq 0 ] && [ "${failed:-0}" -eq 0 ]
