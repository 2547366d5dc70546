#!/usr/bin/env bash
# Numeric flags: a value out of range or not a number is an error at the flag,
# with what the flag accepts and exit status 2 (never CLI11's wording, a
# wrapped negative or a saturated huge number), and neuron-curve never prints
# a curve of inf or nan.
#
# usage: numeric_flags.sh <mottsim binary> <source dir>
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
e2e_arguments "$@"

run_timeout=60
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

arch=configs/arch/cpu_baseline.yaml
workload=configs/workloads/edge_detect.yaml
sweep=configs/sweeps/adc_crossbar_x_adc_bits.yaml
curve_arch=configs/arch/mott_cim.yaml

# refused NAME FLAG_REGEX MESSAGE_REGEX ARGS...: exit status 2, the one located
# error, none of CLI11's own wording, and nothing written.
refused() {
  local name=$1 flag=$2 message=$3
  shift 3
  run "$@"
  local problems=()
  mapfile -t problems < <(output_problems 2 "^$flag: error: $message\$")
  if grep -Eq 'Could not convert|not in range|ValidationError|Run with --help' <<<"$out"; then
    problems+=("CLI11's wording instead of the located error")
  fi
  if [[ -e $work/out ]]; then
    problems+=("wrote $work/out")
    rm -rf "$work/out"
  fi
  verdict "$name" "${problems[@]}"
}

seed_range="must be a whole number from 0 to 9223372036854775807"
refused "run --seed -1" --seed "$seed_range, got '-1'" run $arch $workload -o "$work/out" --seed -1
refused "run --seed past 64 bits" --seed "$seed_range, got '99999999999999999999999'" \
  run $arch $workload -o "$work/out" --seed 99999999999999999999999
refused "run --seed 2^63" --seed "$seed_range, got '9223372036854775808'" \
  run $arch $workload -o "$work/out" --seed 9223372036854775808
refused "run --seed 1.5" --seed "$seed_range, got '1.5'" run $arch $workload -o "$work/out" --seed 1.5
refused "run --seed ' 5'" --seed "must be a number with nothing around it, got ' 5'" \
  run $arch $workload -o "$work/out" --seed ' 5'
refused "run --chips '5 '" --chips "must be a number with nothing around it, got '5 '" \
  run $arch $workload -o "$work/out" --chips '5 '
refused "compare --seed -1" --seed "$seed_range, got '-1'" \
  compare $arch --workload $workload -o "$work/out" --seed -1
run run $arch $workload -o "$work/seed" --no-timeline --seed 9223372036854775807
check "run --seed 2^63-1" 0 "wrote"

refused "run --chips 0" --chips "must be a whole number from 1 to 10000, got '0'" \
  run $curve_arch $workload -o "$work/out" --mode functional --chips 0
refused "compare --chips -3" --chips "must be a whole number from 1 to 10000, got '-3'" \
  compare $curve_arch --workload $workload -o "$work/out" --mode functional --chips -3
refused "compare -j 0" --jobs "must be a whole number from 1 to 4096, got '0'" \
  compare $arch --workload $workload -o "$work/out" -j 0
refused "sweep -j 0" --jobs "must be a whole number from 1 to 4096, got '0'" sweep $sweep -o "$work/out" -j 0
refused "sweep -j past 64 bits" --jobs "must be a whole number from 1 to 4096, got '99999999999999999999'" \
  sweep $sweep -o "$work/out" -j 99999999999999999999
refused "sweep --slurm-array 0" --slurm-array "must be a whole number from 1 to 1000, got '0'" \
  sweep $sweep -o "$work/out" --slurm --slurm-print --slurm-array 0
refused "sweep --slurm-cpus two" --slurm-cpus "must be a whole number from 1 to 4096, got 'two'" \
  sweep $sweep -o "$work/out" --slurm --slurm-print --slurm-cpus two
refused "sweep --timeout abc" --timeout "must be a finite number, got 'abc'" sweep $sweep -o "$work/out" --timeout abc
refused "sweep --timeout inf" --timeout "must be a finite number, got 'inf'" sweep $sweep -o "$work/out" --timeout inf

refused "neuron-curve --points abc" --points "must be a whole number from 2 to 1000000, got 'abc'" \
  neuron-curve $curve_arch --points abc -o "$work/out"
refused "neuron-curve --points 1" --points "must be a whole number from 2 to 1000000, got '1'" \
  neuron-curve $curve_arch --points 1 -o "$work/out"
refused "neuron-curve --min abc" --min "must be a finite number, got 'abc'" neuron-curve $curve_arch --min abc
refused "neuron-curve --max nan" --max "must be a finite number, got 'nan'" neuron-curve $curve_arch --max nan
refused "neuron-curve --max 1e400" --max "must be a finite number, got '1e400'" neuron-curve $curve_arch --max 1e400

# A range wider than a double, and one whose far end the model cannot compute.
refused "neuron-curve --min -1e308 --max 1e308" --min/--max \
  "the range from -1e\+308 to 1e\+308 is wider than a double holds; narrow it" \
  neuron-curve $curve_arch --points 3 --min -1e308 --max 1e308 -o "$work/out"
refused "neuron-curve --max 1e300" --min/--max \
  "the curve of tile\.readout\[[0-9]+\] is not finite at input [0-9.e+]+ \(output .*\); choose --min and --max nearer the neuron's full scale" \
  neuron-curve $curve_arch --points 3 --min 0 --max 1e300 -o "$work/out"
run neuron-curve $curve_arch --points 3 --min 0 --max 1e300
if grep -Eqi '(^|,)-?(inf|nan)' <<<"$out"; then verdict "neuron-curve prints no inf or nan row" "printed one"
else verdict "neuron-curve prints no inf or nan row"; fi
# A range too narrow for its points would print one input over and over.
refused "neuron-curve over a range narrower than its points" --min/--max \
  "the range from 1 to 1 is too narrow for 1000 points: points 1 and 2 are both input 1; widen it or ask for fewer --points" \
  neuron-curve $curve_arch --points 1000 --min 1 --max 1.0000000000000002 -o "$work/out"
run neuron-curve $curve_arch --points 5 --min -2 --max 2
check "neuron-curve around the full scale" 0 "^input,output,temperature_k,resistance_ohm$" "^2,"
run neuron-curve $curve_arch --points 3 --min -1e308 --max -1e307
check "neuron-curve spans a range near the largest doubles without overflowing" 0 "^-1e\+308," "^-5\.5e\+307,"
# The shipped neuron settles past its transition on its bias alone: --steady
# says so, beside the curve whose relative output it magnifies.
run neuron-curve $curve_arch --points 3 --steady
check "neuron-curve --steady says the settled neuron is past its transition" 0 "^input,output" \
  "settled, the bias alone heats the film to [0-9.]+ K .*past its transition"
run neuron-curve $curve_arch --points 3
if grep -q "past its transition" <<<"$out"; then verdict "neuron-curve read at settling_time has no such note" "printed it"
else verdict "neuron-curve read at settling_time has no such note"; fi
refused "neuron-curve of a device the --set breaks" --set \
  "the curve of tile\.readout\[0\] is not finite at input 0 .*its device parameters are to blame.*" \
  neuron-curve $curve_arch --points 3 --set 'components.tile.readout[0].heater_resistance=1e30 Ohm' -o "$work/out"

finish
