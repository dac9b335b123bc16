#!/usr/bin/env bash
# The start-up floor of any C# NativeAOT binary built as cnibox is: an empty program (`return 0;`) published with
# CniBox.csproj's static/no-pie/invariant/size settings, timed against Go's VERSION, cnibox's VERSION and
# /bin/true in one alternating run (bench/spawn-timer.c), plus page faults of one run each (/usr/bin/time).
# Issue 20 asks VERSION <= 0.6x Go: if the empty program alone is near or above that, no C# NativeAOT plugin can
# meet it. Usage: bench/empty-aot.sh [RUNS=200]   (no root needed; builds in a temp dir, removed on exit)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
cnibox=${CNIBOX_BIN:-out/cnibox}
[ -n "${CNIBOX_BIN:-}" ] || [ -x out/cnibox ] || bash tests/publish.sh
go=${BENCH_BASELINE:-/usr/lib/cni}
work=$(mktemp -d /tmp/cnibox-empty-aot.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/Empty.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization>
    <PositionIndependentExecutable>false</PositionIndependentExecutable>
    <CppCompilerAndLinker>gcc</CppCompilerAndLinker>
    <StripSymbols>true</StripSymbols>
    <OptimizationPreference>Size</OptimizationPreference>
    <IlcDehydrate>false</IlcDehydrate>
    <UseSystemResourceKeys>true</UseSystemResourceKeys>
    <EventSourceSupport>false</EventSourceSupport>
    <MetricsSupport>false</MetricsSupport>
  </PropertyGroup>
  <ItemGroup>
    <LinkerArg Include="-static" />
    <LinkerArg Include="-no-pie" />
    <DirectPInvoke Include="libc.so.6" />
  </ItemGroup>
</Project>
XML
echo 'return 0;' >"$work/Program.cs"
dotnet publish "$work/Empty.csproj" -c Release -r linux-x64 -o "$work/out" -nologo -v quiet -clp:ErrorsOnly >&2
file "$work/out/Empty" | grep -q "statically linked" || { echo "empty-aot: the empty program is not static" >&2; exit 1; }
gcc -O2 -o "$work/spawn-timer" bench/spawn-timer.c
ln -s "$(realpath "$cnibox")" "$work/loopback"
echo '{"cniVersion":"1.0.0","name":"cbt-bench","type":"loopback"}' >"$work/stdin"
export CNI_COMMAND=VERSION
"$work/spawn-timer" "$runs" "$work/stdin" "" "$work/out/Empty" ::: "$go/loopback" ::: "$work/loopback" ::: /bin/true |
  awk -v runs="$runs" '
    { t[$1, ++n[$1]] = $2 }
    function median(c,   i, j, k, a, tmp) {
      k = n[c]; for (i = 1; i <= k; i++) a[i] = t[c, i]
      for (i = 2; i <= k; i++) { tmp = a[i]; for (j = i - 1; j > 0 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
      return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
      split("empty NativeAOT program|Go loopback VERSION|cnibox loopback VERSION|/bin/true", name, "|")
      g = median(1)
      printf "| %-26s | %9s | %8s |\n", "program (" runs " runs each)", "median ms", "x Go"
      printf "|----------------------------|-----------|----------|\n"
      for (c = 0; c < 4; c++) { m = median(c); printf "| %-26s | %9.3f | %8.2f |\n", name[c + 1], m / 1000, m / g }
    }'
echo
for p in "$work/out/Empty" "$go/loopback" "$work/loopback" /bin/true; do
  /usr/bin/time -f "%R minor faults, %M KiB peak RSS: $(basename "$p")" "$p" <"$work/stdin" >/dev/null
done 2>&1 | sed 's/^/    /'
echo "    empty NativeAOT program: $(stat -c %s "$work/out/Empty") bytes"
