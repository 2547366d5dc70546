#!/usr/bin/env bash
# Wall and CPU time of functional-mode runs (values through the device models)
# against the same network in plain float (im2col + Eigen GEMM), and their ratio.
# Targets: edge_detect (512x512) under 2 s; LeNet-5 over the 2,000 test digits
# with non-idealities under 20 s; the last rows time LeNet-5 over 5 chips, the
# honest protocol (docs/modelling.md). Needs `make data` for MNIST and the photograph.
# Usage: bench/functional_runs.sh [build dir]   (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target mottsim float_reference >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-14s %-10s %6s %10s %10s %10s %8s\n' workload arch chips device_s cpu_s float_s ratio
TIMEFORMAT='%R %U'
run() {  # workload arch chips
  local float t
  float=$("$build/float_reference" "configs/workloads/$1.yaml" | cut -d' ' -f1)
  { time "$build/mottsim" run "configs/arch/$2.yaml" "configs/workloads/$1.yaml" --mode functional --chips "$3" \
      --no-timeline -o "$out/$2-$1-$3" > /dev/null; } 2> "$out/time"
  read -r wall cpu < "$out/time"
  printf '%-14s %-10s %6s %10.3f %10.3f %10.4f %8.0f\n' "$1" "$2" "$3" "$wall" "$cpu" "$float" \
    "$(awk -v a="$wall" -v b="$float" -v n="$3" 'BEGIN { print a / (b * n) }')"
}
for w in edge_detect lenet5_mnist; do
  for arch in mott_cim adc_cim; do run "$w" "$arch" 1; done
done
for arch in mott_cim adc_cim; do run lenet5_mnist "$arch" 5; done
echo "device_s: the whole run, wall (perf simulation and calibration included; LeNet also runs the ideal-device chip);"
echo "cpu_s: user CPU over all threads; float_s: float forward only; ratio: device_s / (float_s x chips)"
