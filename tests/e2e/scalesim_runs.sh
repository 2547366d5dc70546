#!/usr/bin/env bash
# A SCALE-Sim topology runs in perf mode on every shipped architecture, straight
# from the CSV, with SCALE-Sim's own MAC count (its formula, evaluated here by
# awk: ofmap = ceil((ifmap - filter + stride) / stride) per axis, MACs = ofmap_h
# x ofmap_w x filter_h x filter_w x channels x filters, a "DP" row once per
# channel); functional mode refuses it with a located error and exit status 2.
# usage: scalesim_runs.sh <mottsim binary> <source dir>
set -uo pipefail
mottsim=$1
cd "$2" || exit 1
source tests/e2e/lib/checks.sh
run_timeout=60
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

topology=$tmp/alexnet_like.csv
cat >"$topology" <<'CSV'
Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
Conv1,227,227,11,11,3,96,4,
Conv2,31,31,5,5,96,256,1,
Conv3,15,15,3,3,256,384,1,
Conv4_DP,15,15,3,3,384,1,1,
Conv5,15,15,3,3,384,256,1,
FC6,13,13,13,13,256,1024,1,
CSV
expected=$(awk -F, 'NR > 1 && NF > 1 {
  oh = int(($2 - $4 + $8 + $8 - 1) / $8); ow = int(($3 - $5 + $8 + $8 - 1) / $8)
  per_channel = ($1 ~ /DP/) ? $6 : 1; channels = ($1 ~ /DP/) ? 1 : $6
  total += per_channel * oh * ow * $4 * $5 * channels * $7
} END { printf "%d", total }' "$topology")

for arch in configs/arch/*.yaml; do
  name=$(basename "$arch" .yaml)
  [[ $name == cim_base ]] && continue  # the base the CIM chips build on, not a chip
  run run "$arch" "$topology" -o "$tmp/$name"
  problems=()
  [[ $status -eq 0 ]] || problems+=("exit status $status, expected 0")
  if [[ $status -eq 0 ]]; then
    macs=$(grep -o '"macs": *[0-9]*' "$tmp/$name/report.json" | head -1 | grep -o '[0-9]*$')
    [[ $macs == "$expected" ]] || problems+=("report total MACs $macs, SCALE-Sim's count $expected")
  fi
  verdict "$name runs the SCALE-Sim topology" "${problems[@]}"
done

small=$tmp/small.csv
printf 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n%s\n%s\n' \
  'Conv1,8,8,3,3,1,4,1,' 'Conv2,12,12,3,3,2,4,1,' >"$small"
run run configs/arch/adc_cim.yaml "$small" --mode functional -o "$tmp/functional"
mapfile -t problems < <(output_problems 2 "small.csv:3:7: error: layer 'Conv2_ifmap' is a load")
verdict "functional mode refuses a load" "${problems[@]}"
[[ ! -e $tmp/functional/report.json ]] || verdict "functional refusal writes no report" "report.json written"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
