#!/usr/bin/env bash
# The test command: deps, publish, then every NUnit test (unit, process, integration as root, differential).
# Ends with one line "tests: N passed, M failed" (", K skipped" when some were), counted from the trx by
# tests/trx-summary.pl, after one line per failed or skipped test naming it and why.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/deps.sh
bash tests/publish.sh
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
CNIBOX_BIN="$PWD/out/cnibox" dotnet test tests/CniBox.Tests/CniBox.Tests.csproj -nologo \
  --logger "trx;LogFileName=$results/tests.trx" --logger "console;verbosity=normal" || status=$?
summary=$(perl tests/trx-summary.pl "$results/tests.trx" 2>/dev/null) || { echo "tests: 0 passed, 1 failed"; exit 1; }
echo "$summary"
[ "$status" -eq 0 ] && [[ "$(tail -n1 <<<"$summary")" == "tests: "*" passed, 0 failed"* ]]
