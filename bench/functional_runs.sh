#!/usr/bin/env bash
# Wall and CPU time of functional-mode runs (values through the device models)
# against the same network in plain float (im2col + Eigen GEMM), and their ratio.
# mottsim's targets, each printed with PASS or FAIL:
#   1. ratio <= 5: device wall time / (float forward time x chips), on every row
#      (LeNet-5 and edge detection, on mott_cim and adc_cim). The device run
#      uses every processor and the float forward one thread, so this ratio
#      favours the device by up to the number of processors; cpu_ratio, device
#      processor time / (float processor time x chips), compares the work alone
#      (it is printed, not judged);
#   2. LeNet-5 over its 2,000 test digits x 5 chips (the honest protocol,
#      docs/modelling.md) in at most 20 s wall, on both architectures;
#   3. edge detection of the 512x512 photograph in at most 2 s wall per chip.
# Needs `make data` for MNIST and the photograph (without it edge detection
# scores the generated fallback image, and says so). Exits 1 if a target fails.
# Usage: bench/functional_runs.sh [build dir]   (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target mottsim float_reference >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -s data/photos/building.jpg ] || echo "note: data/photos/building.jpg is absent (make data): edge_detect scores the fallback image"
echo "$(nproc) processors, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %-10s %6s %10s %10s %10s %10s %8s %9s\n' workload arch chips device_s cpu_s float_s float_cpu ratio cpu_ratio
TIMEFORMAT='%R %U %S'
verdicts=()
failed=0
declare -A walls floats
verdict() {  # pass(0/1) text
  if [ "$1" = 1 ]; then verdicts+=("PASS: $2"); else verdicts+=("FAIL: $2"); failed=1; fi
}
run() {  # workload arch chips
  local float float_cpu wall user sys cpu ratio cpu_ratio
  read -r float _ _ float_cpu < <("$build/float_reference" "configs/workloads/$1.yaml")
  { time "$build/mottsim" run "configs/arch/$2.yaml" "configs/workloads/$1.yaml" --mode functional --chips "$3" \
      --no-timeline -o "$out/$2-$1-$3" > /dev/null; } 2> "$out/time"
  read -r wall user sys < "$out/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
  ratio=$(awk -v a="$wall" -v b="$float" -v n="$3" 'BEGIN { printf "%.2f", a / (b * n) }')
  cpu_ratio=$(awk -v a="$cpu" -v b="$float_cpu" -v n="$3" 'BEGIN { printf "%.2f", a / (b * n) }')
  printf '%-14s %-10s %6s %10.3f %10.3f %10.4f %10.4f %8s %9s\n' "$1" "$2" "$3" "$wall" "$cpu" "$float" "$float_cpu" \
    "$ratio" "$cpu_ratio"
  walls["$1 $2 $3"]=$wall
  floats["$1"]=$float
  verdict "$(awk -v r="$ratio" 'BEGIN { print (r <= 5) }')" "$1 on $2, $3 chip(s): $ratio x the float forward per chip (target <= 5)"
  if [ "$1" = lenet5_mnist ] && [ "$3" = 5 ]; then
    verdict "$(awk -v t="$wall" 'BEGIN { print (t <= 20) }')" "$1 on $2, 2,000 digits x 5 chips in $wall s wall (target <= 20 s)"
  fi
  if [ "$1" = edge_detect ]; then
    verdict "$(awk -v t="$wall" -v n="$3" 'BEGIN { print (t / n <= 2) }')" \
      "$1 on $2: $(awk -v t="$wall" -v n="$3" 'BEGIN { printf "%.3f", t / n }') s wall per chip (target <= 2 s)"
  fi
}
for w in edge_detect lenet5_mnist; do
  for arch in mott_cim adc_cim; do run "$w" "$arch" 1; done
done
for arch in mott_cim adc_cim; do run lenet5_mnist "$arch" 5; done
echo "device_s: the whole run, wall (loading, calibration, perf simulation, the ideal-device chip and the float"
echo "reference included); cpu_s: its user and system CPU over all threads; float_s, float_cpu: the float forward"
echo "alone, wall and CPU (one thread); ratio: device_s / (float_s x chips); cpu_ratio: cpu_s / (float_cpu x chips)"
# What one more chip costs, apart from what a run pays once (loading, calibration,
# the perf simulation, the ideal-device chip, the float reference): printed, not judged.
for arch in mott_cim adc_cim; do
  awk -v a="${walls[lenet5_mnist $arch 1]}" -v b="${walls[lenet5_mnist $arch 5]}" -v f="${floats[lenet5_mnist]}" -v arch="$arch" \
    'BEGIN { m = (b - a) / 4; printf "lenet5_mnist on %s: each chip after the first adds %.3f s wall, %.2f x the float forward\n", arch, m, m / f }'
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${verdicts[@]}"
exit $failed
