#!/usr/bin/env bash
# `mottsim validation` on designs made here, whose figures are worked by hand:
# the exit status (0 all pass, 1 a figure fails, 2 a malformed expected.yaml or
# a design that cannot run), the table's verdicts and KNOWN-GAP, and located
# errors. The designs run the shipped adc_cim on one small layer.
#
# usage: validation_command.sh <mottsim binary> <source dir>
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
e2e_arguments "$@"

run_timeout=60

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One 3x3 convolution, 8x8x16 to 16 channels: 64 x 16 x 144 = 147,456 MACs.
workload() {
  cat >"$1/w.yaml" <<'YAML'
name: probe
input: {height: 8, width: 8, channels: 16}
precision: {weights: 8, activations: 8}
layers:
  - {name: conv, type: conv2d, out_channels: 16, kernel: 3, padding: 1, activation: relu}
YAML
}

# design DIR FIGURES: an expected.yaml running adc_cim on the probe.
design() {
  mkdir -p "$1"
  workload "$1"
  { printf 'design: %s\nsource: hand-worked\nrun: {architecture: %s/configs/arch/adc_cim.yaml, workload: w.yaml}\nfigures:\n' \
      "$(basename "$1")" "$src"
    printf '%s\n' "$2"; } >"$1/expected.yaml"
}

macs_exact='  - {name: MACs, published: 147456, simulated: totals.macs, source: s, tolerance: {relative: 0.001, reason: exact}}'
macs_wrong='  - {name: MACs, published: 100000, simulated: totals.macs, source: s, tolerance: {relative: 0.1, reason: r}}'
macs_gap='  - {name: MACs, published: 100000, simulated: totals.macs, source: s, known_gap: a known gap, tolerance: {relative: 0.1, reason: r}}'
# 8 ADCs per tile at 1.67 pJ each (converters.adc_isaac_8b), as a rate: 8 x 1.67 pJ x 1.28e9 = 17.1 mW
adc_power='  - {name: ADC power, published: 0.0171, simulated: {path: "components[name=tile].actions.adc_conversion.energy_per_action_j", scale: 1.024e10}, source: s, tolerance: {relative: 0.01, reason: r}}'

design "$tmp/all_pass/a" "$macs_exact
$adc_power"
run validation "$tmp/all_pass"
check "every figure within its tolerance: exit 0" 0 "^design +figure +published +simulated +ratio +tolerance +verdict" \
  "^a +MACs +1\.475e\+05 +1\.475e\+05 +1 +\+-0\.1 % +pass" "ADC power .*pass" "2 figures from 1 designs: 2 pass, 0 fail, 0 known gaps"

design "$tmp/one_fails/a" "$macs_exact"
design "$tmp/one_fails/b" "$macs_wrong"
run validation "$tmp/one_fails"
check "a figure outside its tolerance: exit 1, FAIL" 1 "^b +MACs +1e\+05 +1\.475e\+05 +1\.475 +\+-10 % +FAIL" "1 pass, 1 fail"

design "$tmp/gap/a" "$macs_gap"
run validation "$tmp/gap/a"
check "a known gap outside its tolerance: exit 0, KNOWN-GAP, not a pass" 0 "^a +MACs .* KNOWN-GAP$" \
  "0 pass, 0 fail, 1 known gaps" "^known gaps:$" "^  a / MACs: a known gap$"

macs_closed='  - {name: MACs, published: 147456, simulated: totals.macs, source: s, known_gap: an old gap, tolerance: {relative: 0.1, reason: r}}'
design "$tmp/closed/a" "$macs_closed"
run validation "$tmp/closed"
check "a known gap now within its tolerance: a pass, named as closed" 0 "^a +MACs .* pass$" "1 pass, 0 fail, 0 known gaps" \
  "gap has closed" "^  a / MACs: an old gap$"

design "$tmp/bad_path/a" '  - {name: x, published: 1, simulated: totals.tps, source: s, tolerance: {relative: 0.1, reason: r}}'
run validation "$tmp/bad_path"
check "a report path that does not resolve: exit 2, located" 2 \
  "expected\.yaml:5:[0-9]+: error: figure 'x': report path 'totals\.tps': 'totals' has no key 'tps' \(did you mean 'tops'\?\)"

design "$tmp/malformed/a" '  - {name: x, published: one, simulated: totals.tops, source: s, tolerance: {relative: 0.1, reason: r}}'
run validation "$tmp/malformed"
check "a malformed expected.yaml: exit 2 before anything runs" 2 "expected\.yaml:5:[0-9]+: error: 'published' must be a finite number"
[[ $out != *design* ]] || verdict "nothing runs for a malformed file" "the table was printed"

mkdir -p "$tmp/broken/a"
design "$tmp/broken/a" "$macs_exact"
sed -i 's/w.yaml}/missing.yaml}/' "$tmp/broken/a/expected.yaml"
run validation "$tmp/broken"
check "a design that cannot run: exit 2 with its error" 2 "missing\.yaml" "design 'a' could not run"

# A baseline runs every layer on its one datapath: the pipeline schedule an
# expected.yaml asks for is refused at its line.
design "$tmp/baseline_pipeline/a" "$macs_exact"
sed -i "s|configs/arch/adc_cim.yaml, workload: w.yaml}|configs/arch/cpu_baseline.yaml, workload: w.yaml,\n      schedule: pipeline}|" \
  "$tmp/baseline_pipeline/a/expected.yaml"
run validation "$tmp/baseline_pipeline"
check "a baseline asked for the pipeline schedule: exit 2, located at the schedule" 2 \
  "expected\.yaml:4:[0-9]+: error: the pipeline schedule streams inferences through layer stages" \
  "design 'a' could not run"

run validation "$tmp/empty_dir_that_does_not_exist"
check "a directory that does not exist: exit 2" 2 "not a directory of validation designs"

# `mottsim validate` reads an expected.yaml too, and the files it runs.
run validate configs/validation/isaac/expected.yaml configs/validation/tpu_v1/expected.yaml
check "validate reads the shipped expected.yaml files" 0 "ok: configs/validation/isaac/expected.yaml \(validation design 'isaac', 3 figures\)" \
  "ok: configs/validation/tpu_v1/expected.yaml"
run validate "$tmp/malformed/a/expected.yaml"
check "validate finds a malformed expected.yaml" 2 "expected\.yaml:5:[0-9]+: error: 'published' must be a finite number"
run validate "$tmp/broken/a/expected.yaml"
check "validate finds the missing workload an expected.yaml names" 2 "missing\.yaml"

finish
