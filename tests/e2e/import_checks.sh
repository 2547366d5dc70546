#!/usr/bin/env bash
# `import` checks the workload it would write with every check `run` applies to
# the same model or CSV, before it writes anything: a network past the
# workload's limits is a located error at the CSV's row (exit status 2), from
# `import` and `run` alike, never an internal error, and `import` writes
# nothing.
# usage: import_checks.sh <mottsim binary> <source dir>
set -uo pipefail
source "$(dirname "$0")/lib/checks.sh"
e2e_arguments "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# NAME FILE LOCATION MESSAGE: import and run both refuse FILE at LOCATION.
refused() {
  local name=$1 file=$2 location=$3 message=$4 problems
  run import "$file" -o "$tmp/out/imported.yaml"
  mapfile -t problems < <(output_problems 2 "(^|/)$(basename "$file"):$location: error: $message")
  grep -q "internal error" <<<"$out" && problems+=("an internal error")
  [[ -e $tmp/out ]] && problems+=("import wrote $tmp/out")
  verdict "import: $name" "${problems[@]}"
  rm -rf "$tmp/out"
  run run configs/arch/adc_cim.yaml "$file" -o "$tmp/run"
  mapfile -t problems < <(output_problems 2 "(^|/)$(basename "$file"):$location: error: $message")
  verdict "run: $name" "${problems[@]}"
}

cd "$tmp" || exit 1
printf '4096,4096,4096,3,3,4096,0,1\n' >huge.csv
printf 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n%s\n' \
  'conv1, 65536, 65536, 3, 3, 65536, 8, 1,' >huge_scalesim.csv
printf '1024,1024,1,1,1,1024,0,1\n1024,1024,1024,1024,1024,1024,0,1\n' >wide.csv
cd "$src" || exit 1
refused "NeuroSim input past 2^34 elements" "$tmp/huge.csv" 1:1 "input 4096x4096x4096 has more than 2\^34 elements"
refused "SCALE-Sim input past 2^34 elements" "$tmp/huge_scalesim.csv" 2:8 \
  "input 65536x65536x65536 has more than 2\^34 elements"
refused "a layer past 2^50 MACs" "$tmp/wide.csv" 2:1 \
  "layer 'layer2': needs more than 2\^50 multiply-accumulates per inference"

# A CSV within the limits is written, and reads back.
printf '28,28,1,5,5,6,1,1\n14,14,6,5,5,16,1,1\n1,1,784,1,1,10,0,1\n' >"$tmp/lenet.csv"
run import "$tmp/lenet.csv" -o "$tmp/lenet.yaml"
check "import writes a CSV within the limits" 0 "wrote .*lenet.yaml: 6 layers"
run validate "$tmp/lenet.yaml"
check "what import wrote validates" 0 "^ok: "
finish
