#!/usr/bin/env bash
# Wall time of perf-mode runs on one core, with TLM transactions per second.
# Targets: vgg8_cifar10 under 0.5 s, resnet18_imagenet under 1 s, vgg16_imagenet under 2 s.
# Then ONNX import plus a perf run straight from the model (`mottsim run
# configs/arch/adc_cim.yaml data/onnx/MODEL.onnx`, models from `make models`):
# the median of 3 wall times, ResNet-50 within 1 s and ViT-B/16 within 2 s.
# Usage: bench/perf_runs.sh [path/to/mottsim] [all|workloads|onnx]
#        (default build/mottsim, all)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/mottsim}
part=${2:-all}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
wall() {  # wall seconds of one command
  local start end
  start=$(date +%s.%N)
  "$@" > "$out/log" || return
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
if [[ $part == all || $part == workloads ]]; then
printf '%-22s %-10s %10s %12s %14s\n' workload arch wall_s transactions tlm_per_s
for arch in adc_cim mott_cim; do
  for w in vgg8_cifar10 resnet18_imagenet vgg16_imagenet; do
    best=""
    for rep in 1 2 3; do
      t=$(wall $pin "$bin" run "configs/arch/$arch.yaml" "configs/workloads/$w.yaml" -o "$out/$arch-$w")
      if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    done
    tx=$(grep -o '"tlm_transactions": [0-9]*' "$out/$arch-$w/report.json" | grep -o '[0-9]*$')
    printf '%-22s %-10s %10.3f %12d %14.0f\n' "$w" "$arch" "$best" "$tx" "$(awk -v n="$tx" -v t="$best" 'BEGIN { print n / t }')"
  done
done
fi

if [[ $part == all || $part == onnx ]]; then
printf '\n%-22s %-10s %10s %10s %s\n' model arch median_s target_s verdict
for entry in resnet50:1 vit_b_16:2; do
  m=${entry%%:*} target=${entry#*:}
  if [[ ! -s data/onnx/$m.onnx ]]; then
    printf '%-22s %-10s %10s %10s %s\n' "$m.onnx" adc_cim - "$target" "MISSING (make models)"
    continue
  fi
  times=()
  for rep in 1 2 3; do
    times+=("$(wall $pin "$bin" run configs/arch/adc_cim.yaml "data/onnx/$m.onnx" -o "$out/onnx-$m")")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n 2p)
  verdict=$(awk -v t="$median" -v limit="$target" 'BEGIN { print (t <= limit ? "PASS" : "FAIL") }')
  printf '%-22s %-10s %10.3f %10s %s\n' "$m.onnx" adc_cim "$median" "$target" "$verdict"
done
echo "load average (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
fi
