#!/usr/bin/env bash
# Wall time of functional-mode runs (values through the device models) against
# the same network in plain float (im2col + Eigen GEMM), and their ratio.
# Targets: edge_detect (512x512) under 2 s; LeNet-5 over the 2,000 test digits
# with non-idealities under 20 s. Needs `make data` for MNIST.
# Usage: bench/functional_runs.sh [build dir]   (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target mottsim float_reference >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-14s %-10s %10s %10s %8s\n' workload arch device_s float_s ratio
for w in edge_detect lenet5_mnist; do
  float=$("$build/float_reference" "configs/workloads/$w.yaml" | cut -d' ' -f1)
  for arch in mott_cim adc_cim; do
    start=$(date +%s.%N)
    "$build/mottsim" run "configs/arch/$arch.yaml" "configs/workloads/$w.yaml" --mode functional -o "$out/$arch-$w" > /dev/null
    end=$(date +%s.%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
    printf '%-14s %-10s %10.3f %10.4f %8.0f\n' "$w" "$arch" "$t" "$float" "$(awk -v a="$t" -v b="$float" 'BEGIN { print a / b }')"
  done
done
echo "device_s: the whole run (perf simulation included; LeNet also runs the ideal-device chip); float_s: float forward only"
