#!/usr/bin/env bash
# Wall time of a `mottsim compare` on resnet18_imagenet: the CPU baseline
# against the CIM chips (ADC, Mott with ADCs, the ADC-free analog path with Mott
# or CMOS activation), one process per architecture in parallel.
# Prints the best of three wall times and the compared figures. Not a test.
# Usage: bench/compare_resnet18.sh [path/to/mottsim]   (default build/mottsim)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/mottsim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
names="cpu_baseline adc_cim mott_cim mott_analog_cim cmos_analog_cim"
archs=$(for n in $names; do printf "configs/arch/%s.yaml " "$n"; done)
best=""
for rep in 1 2 3; do
  rm -rf "$out/cmp"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$bin" compare $archs --workload configs/workloads/resnet18_imagenet.yaml -o "$out/cmp" > "$out/log"
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
done
printf 'compare on resnet18_imagenet (%s processors): best of 3 wall times %.3f s\n' "$(nproc)" "$best"
printf '%-16s %12s %14s %14s %10s\n' architecture latency_s energy_j pj_per_mac tlm_tx
for d in $names; do
  r="$out/cmp/$d/report.json"
  lat=$(grep -o '"latency_s": [^,]*' "$r" | head -1 | cut -d' ' -f2)
  en=$(grep -o '"energy_j": [^,]*' "$r" | head -1 | cut -d' ' -f2)
  macs=$(grep -o '"macs": [0-9]*' "$r" | head -1 | cut -d' ' -f2)
  tx=$(grep -o '"tlm_transactions": [0-9]*' "$r" | cut -d' ' -f2)
  printf '%-16s %12.4g %14.4g %14.4g %10d\n' "$d" "$lat" "$en" "$(awk -v e="$en" -v m="$macs" 'BEGIN { print e / m * 1e12 }')" "$tx"
done
