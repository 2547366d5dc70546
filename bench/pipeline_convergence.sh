#!/usr/bin/env bash
# Whether the pipeline schedule's default number of inferences in flight (at
# least 3 per layer plus 48, and on until the period settles) reaches steady
# state: each network on each CIM chip
# (with tiles enough for a layer per tile) runs with the default and with
# 300 inferences, and the two periods are compared. Prints the period, its
# standard error, whether the run called it steady, the bottleneck and the
# wall time. VGG-16 on adc_cim (9000 tiles, about 19.5 million transactions)
# runs only with --all.
# Usage: bench/pipeline_convergence.sh [path/to/mottsim] [--all]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/mottsim}
all=${2:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cases=(
  "lenet5_mnist mott_cim 32" "lenet5_mnist adc_cim 512" "edge_detect mott_cim 32" "edge_detect adc_cim 512"
  "lenet5_mnist mott_analog_cim 32" "lenet5_mnist cmos_analog_cim 32"
  "vgg8_cifar10 mott_cim 64" "vgg8_cifar10 adc_cim 1024" "vgg8_cifar10 cmos_analog_cim 64"
  "resnet18_imagenet mott_cim 64" "resnet18_imagenet adc_cim 1024" "vgg16_imagenet mott_cim 300"
)
[ "$all" = --all ] && cases+=("vgg16_imagenet adc_cim 9000")
field() { grep -o "\"$2\": [^,]*" "$1" | head -1 | sed 's/.*: //; s/"//g'; }
printf '%-18s %-16s %5s %12s %10s %6s %-12s %8s %12s %8s\n' workload arch K period_us error_us steady bottleneck wall_s period300_us diff
for c in "${cases[@]}"; do
  read -r w a tiles <<< "$c"
  # The chips' 12 routers take `concentration` tiles each (3 on the Mott
  # chips, 48 on adc_cim): more tiles need more a router.
  base=3; [ "$a" = adc_cim ] && base=48
  need=$(( (tiles + 11) / 12 )); conc=$(( need > base ? need : base ))
  for k in default 300; do
    set_k=()
    [ "$k" = 300 ] && set_k=(--set components.controller.inferences_in_flight=300)
    start=$(date +%s.%N)
    "$bin" run "configs/arch/$a.yaml" "configs/workloads/$w.yaml" -o "$out/$k" --schedule pipeline \
      --set "components.tile.count=$tiles" --set "components.noc.concentration=$conc" "${set_k[@]}" --no-timeline --max-work 1e9 > "$out/log" 2>&1 \
      || { cat "$out/log"; exit 1; }
    end=$(date +%s.%N)
    eval "wall_$k=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
  done
  r=$out/default/report.json
  period=$(field "$r" period_s)
  period300=$(field "$out/300/report.json" period_s)
  bottleneck=$(awk '/"bottleneck": \{/ { f = 1 } f && /"name"/ { gsub(/.*: "|",?$/, ""); print; exit }' "$r")
  awk -v w="$w" -v a="$a" -v k="$(field "$r" inferences_in_flight)" -v p="$period" -v e="$(field "$r" period_error_s)" \
      -v s="$(field "$r" steady)" -v b="$bottleneck" -v t="$wall_default" -v q="$period300" \
      'BEGIN { printf "%-18s %-16s %5d %12.1f %10.2f %6s %-12s %8.2f %12.1f %+7.2f%%\n", w, a, k, p * 1e6, e * 1e6, s, b, t, q * 1e6, 100 * (p / q - 1) }'
done
