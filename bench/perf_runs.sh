#!/usr/bin/env bash
# Wall time of perf-mode runs on one core, with TLM transactions per second.
# Targets: vgg8_cifar10 on adc_cim under 0.5 s, resnet18_imagenet under 2 s.
# Usage: bench/perf_runs.sh [path/to/mottsim]   (default build/mottsim)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/mottsim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
printf '%-22s %-10s %10s %12s %14s\n' workload arch wall_s transactions tlm_per_s
for arch in adc_cim mott_cim; do
  for w in vgg8_cifar10 resnet18_imagenet vgg16_imagenet; do
    best=""
    for rep in 1 2 3; do
      start=$(date +%s.%N)
      $pin "$bin" run "configs/arch/$arch.yaml" "configs/workloads/$w.yaml" -o "$out/$arch-$w" > "$out/log"
      end=$(date +%s.%N)
      t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
      if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    done
    tx=$(grep -o '"tlm_transactions": [0-9]*' "$out/$arch-$w/report.json" | grep -o '[0-9]*$')
    printf '%-22s %-10s %10.3f %12d %14.0f\n' "$w" "$arch" "$best" "$tx" "$(awk -v n="$tx" -v t="$best" 'BEGIN { print n / t }')"
  done
done
