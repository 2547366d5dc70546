#!/usr/bin/env bash
# Wall time of a 64-point perf-mode sweep of VGG-8 on adc_cim (bench/sweep_vgg8.yaml:
# 4 crossbar heights x 4 ADC resolutions x 4 ADC sharing factors), two runs at once.
# mottsim's speed target for such a sweep is 30 s: prints PASS or FAIL against it
# and exits 1 above it.
# Usage: bench/sweep_vgg8.sh [path/to/mottsim]   (default build/mottsim)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/mottsim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
"$bin" sweep bench/sweep_vgg8.yaml -o "$out/sweep" -j 2 > "$out/log" 2>&1 || { cat "$out/log"; exit 1; }
end=$(date +%s.%N)
rows=$(wc -l < "$out/sweep/results.jsonl")
ok=$(grep -c '"status":"ok"' "$out/sweep/results.jsonl" || true)
front=$(($(wc -l < "$out/sweep/pareto.csv") - 1))
target_s=30
awk -v a="$start" -v b="$end" -v n="$rows" -v ok="$ok" -v f="$front" -v t="$target_s" \
  'BEGIN { printf "sweep_vgg8: %d points (%d ok, %d on the Pareto front) in %.2f s wall with -j 2 (%.3f s per point)\n", n, ok, f, b - a, (b - a) / n
           pass = b - a <= t
           printf "%s: %.2f s against the %d s target\n", pass ? "PASS" : "FAIL", b - a, t
           exit pass ? 0 : 1 }'
