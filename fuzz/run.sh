#!/usr/bin/env bash
# Usage: fuzz/run.sh HARNESS|all [EXECS]      (EXECS: mutations per harness, default 1000000)
# Runs a fuzz harness of fuzz/CniBox.Fuzz over its seed corpus fuzz/corpus/HARNESS under `nice -n 19`.
#   FUZZ_ENGINE=mutate (default): in-process libFuzzer-style mutations, no coverage feedback, ~10^4-10^5 execs/s;
#     findings (an exception the product does not mean to raise, or a hang over 10 s) go to fuzz/findings/HARNESS/.
#   FUZZ_ENGINE=afl: afl-fuzz (Debian's afl++) over a SharpFuzz-instrumented copy of cnibox.dll, coverage-guided,
#     stops after EXECS executions; its queue, crashes and hangs are in fuzz/out/afl/HARNESS/default/.
#     Not in tests/deps.sh: CI runs the in-process smoke (tests/CniBox.Tests/Fuzz/HarnessSmokeTests). Debian's afl++
#     pulls in `clang`; without the explicit gcc linker (main's cbf367a) ILC then picks clang and llvm-objcopy 14,
#     which fails on the static ELF, so install it only where the publish pins gcc.
# `dotnet fuzz/out/bin/cnibox-fuzz.dll list` names the harnesses. Every finding becomes a unit test and a fix.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,11s/^# //p' "$0" >&2; exit 2; }
execs=${2:-1000000}
engine=${FUZZ_ENGINE:-mutate}
bin=fuzz/out/bin
nice -n 19 dotnet build fuzz/CniBox.Fuzz/CniBox.Fuzz.csproj -c Release -o "$bin" -v q -nologo >/dev/null
if [ "$1" = all ]; then mapfile -t harnesses < <(dotnet "$bin/cnibox-fuzz.dll" list); else harnesses=("$1"); fi

status=0
case "$engine" in
  mutate)
    for h in "${harnesses[@]}"; do
      nice -n 19 dotnet "$bin/cnibox-fuzz.dll" mutate "$h" "$execs" "fuzz/corpus/$h" fuzz/findings || status=1
    done ;;
  afl)
    command -v afl-fuzz >/dev/null || { echo "afl-fuzz missing: apt-get install afl++" >&2; exit 2; }
    afl_bin=fuzz/out/afl-bin
    rm -rf "$afl_bin" && cp -r "$bin" "$afl_bin"
    dotnet "$afl_bin/cnibox-fuzz.dll" instrument "$afl_bin/cnibox.dll"
    for h in "${harnesses[@]}"; do
      out=fuzz/out/afl/$h
      rm -rf "$out" && mkdir -p fuzz/out/afl
      # No core_pattern or CPU governor changes on a shared host: afl++ is told not to ask for them.
      AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 \
        nice -n 19 afl-fuzz -i "fuzz/corpus/$h" -o "$out" -E "$execs" -t 5000 -m none \
        -- dotnet "$afl_bin/cnibox-fuzz.dll" afl "$h" >"$out.log" 2>&1 || { tail -20 "$out.log" >&2; status=1; continue; }
      stats=$out/default/fuzzer_stats
      crashes=$(awk '/^saved_crashes/ {print $3}' "$stats"); hangs=$(awk '/^saved_hangs/ {print $3}' "$stats")
      echo "$h: $(awk '/^execs_done/ {print $3}' "$stats") execs (afl) in $(awk '/^run_time/ {print $3}' "$stats") s," \
        "$(awk '/^execs_per_sec/ {print $3}' "$stats")/s, $(awk '/^corpus_count/ {print $3}' "$stats") paths, $crashes crashes, $hangs hangs"
      [ "$crashes$hangs" = 00 ] || status=1
    done ;;
  *) echo "FUZZ_ENGINE is mutate or afl" >&2; exit 2 ;;
esac
exit $status
