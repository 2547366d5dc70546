#!/usr/bin/env bash
# A 10,000-point perf-mode sweep (adc_cim on LeNet-5: crossbar rows x columns x
# ADC bits x read pulse), run locally with -j 2 and then as a Slurm array of 2
# one-CPU tasks on a single-node cluster started here (the same one the Slurm
# test uses), with the merged rows compared to the local ones. Prints
# both wall times; the target is 10 minutes each on a 2-core machine.
# Usage: bench/sweep_10k.sh [build dir]   (default build; needs munge and slurm-wlm)
set -uo pipefail
cd "$(dirname "$0")/.."
src=$PWD
mottsim=$(realpath "${1:-build}/mottsim")
source tests/slurm/lib/single_node_cluster.sh
start_cluster || exit 1
cat >"$work/sweep10k.yaml" <<EOF2
name: sweep_10k
base: $src/configs/arch/adc_cim.yaml
workloads: $src/configs/workloads/lenet5_mnist.yaml
mode: perf
max_points: 10000
parameters:
  components.tile.crossbar.rows: [32, 64, 128, 256, 512]
  components.tile.crossbar.columns: [32, 64, 128, 256]
  components.tile.readout[0].bits: {linear: {from: 1, to: 10, step: 1}}
  components.tile.crossbar.read_pulse: {linear: {from: 10 ns, to: 500 ns, count: 50}}
EOF2
"$mottsim" sweep "$work/sweep10k.yaml" --dry-run | tail -1
start=$(date +%s.%N)
"$mottsim" sweep "$work/sweep10k.yaml" -o "$work/local" -j 2 >"$work/local.log" 2>&1
local_status=$?
local_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
tail -2 "$work/local.log"
start=$(date +%s.%N)
"$mottsim" sweep "$work/sweep10k.yaml" -o "$work/slurm" --slurm --slurm-array 2 --slurm-cpus 1 | head -1
wait_for_queue || exit 1
"$mottsim" sweep merge "$work/slurm"
slurm_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
same=no
cmp -s "$work/local/results.csv" "$work/slurm/results.csv" && same=yes
echo "10,000 points: local -j 2 in ${local_s} s (status $local_status); Slurm array of 2 in ${slurm_s} s; merged rows equal the local run's: $same; load $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $local_status -eq 0 && $same == yes && $local_s -le 600 && $slurm_s -le 600 ]]
