#!/usr/bin/env bash
# What functional mode scores and calibrates on, as the command line and the
# workload's `inputs:` say: --image replaces the scored input alone, the
# report names it and hashes its bytes, and counts beyond the data are
# located errors, never cut down silently.
#
# usage: functional_inputs.sh <mottsim binary> <source dir>
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
e2e_arguments "$@"

run_timeout=120
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# json_field FILE KEY...: the value at that path of a report.json.
json_field() {
  python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]: v = v.get(k) if isinstance(v, dict) else None
print(v)' "$@"
}

# hash_of DIR: the configuration hash of the run written to DIR.
hash_of() { json_field "$1/report.json" provenance config_hash; }

# holds NAME CONDITION [DETAIL]: a check of a shell condition after a run.
holds() {
  if eval "$2"; then verdict "$1"; else verdict "$1" "not true: $2 ${3:-}"; fi
}

# Two 28x28 grey images that differ in every pixel.
{ printf 'P5\n28 28\n255\n'; head -c 784 /dev/zero; } >"$tmp/dark.pgm"
{ printf 'P5\n28 28\n255\n'; head -c 784 /dev/zero | tr '\0' '\200'; } >"$tmp/grey.pgm"
cp "$tmp/dark.pgm" "$tmp/dark_copy.pgm"
echo "not an image" >"$tmp/text.png"

# ---- --image belongs to functional mode, as --chips does ---------------------
run run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml -o "$tmp/perf" --image "$tmp/text.png"
check "--image in perf mode is refused at the flag" 2 \
  "^--image: error: an input image is fed through the device models, which only functional mode runs: add --mode functional\$"
holds "the refused run writes nothing" '[[ ! -e $tmp/perf ]]'

# A PNG whose chunks are whole but whose compressed data is not: named as a
# PNG's fault, not by the JPEG decoder stb_image tried last ("no SOI").
printf '\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x08\x00\x00\x00\x08\x08\x00' \
  >"$tmp/bad_data.png"
printf '\x00\x00\x00\xe1\x64\xe1\x57\x00\x00\x00\x09\x49\x44\x41\x54\x78\x9c\xff\xff\xff\xff\xff\xff\xff\xf0\x49' \
  >>"$tmp/bad_data.png"
printf '\x77\xb3\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82' >>"$tmp/bad_data.png"
run run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml --mode functional -o "$tmp/bad" \
  --image "$tmp/bad_data.png"
check "a PNG with undecodable data is a PNG's error" 2 "bad_data\.png: error: corrupt PNG \(its image data cannot"
holds "it is not called a JPEG's fault" '! grep -q "SOI" <<<"$out"'

# ---- --image on an MNIST workload: the digits it scores go, calibration stays -
lenet=(configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml --mode functional)
run run "${lenet[@]}" -o "$tmp/dark" --image "$tmp/dark.pgm"
check "an image scored on LeNet-5" 0 "1 input\(s\) through the device models" \
  "Calibration: 256 sample\(s\) of mnist_train" "scored the image $tmp/dark\.pgm instead of the workload's MNIST test digits"
report=$tmp/dark/report.json
holds "calibration uses the workload's training digits" \
  '[[ $(json_field "$report" calibration source) == mnist_train && $(json_field "$report" calibration samples) == 256 ]]'
holds "provenance names the image" '[[ $(json_field "$report" provenance image_file) == "$tmp/dark.pgm" ]]' \
  "$(json_field "$report" provenance)"

# ---- the image's bytes enter config_hash -------------------------------------
run run "${lenet[@]}" -o "$tmp/grey" --image "$tmp/grey.pgm" --no-timeline
check "another image scored" 0
run run "${lenet[@]}" -o "$tmp/copy" --image "$tmp/dark_copy.pgm" --no-timeline
check "the same image under another name" 0
dark=$(hash_of "$tmp/dark")
grey=$(hash_of "$tmp/grey")
copy=$(hash_of "$tmp/copy")
holds "two images give two configuration hashes" '[[ $dark != "$grey" ]]' "(both $dark)"
holds "the same bytes give the same hash" '[[ $dark == "$copy" ]]' "($dark and $copy)"

# ---- so do the bytes of the weights file the workload names (perf mode too) --
cp data/lenet5_mnist_weights.json "$tmp/weights.json"
sed "s#^weights_file: .*#weights_file: $tmp/weights.json#" configs/workloads/lenet5_mnist.yaml >"$tmp/lenet.yaml"
run run configs/arch/adc_cim.yaml "$tmp/lenet.yaml" -o "$tmp/w1" --no-timeline
check "a workload with its own copy of the weights" 0
python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["layers"]["conv1"]["bias"][0] *= 1.5
json.dump(d, open(sys.argv[1], "w"))' "$tmp/weights.json"
run run configs/arch/adc_cim.yaml "$tmp/lenet.yaml" -o "$tmp/w2" --no-timeline
check "the same workload with one bias changed" 0
holds "two weights files give two configuration hashes" \
  '[[ $(hash_of "$tmp/w1") != $(hash_of "$tmp/w2") ]]'

# ---- and the bytes of the images the run took, nothing else in their folder --
mkdir -p "$tmp/cal"
pgm() { { printf 'P5\n512 512\n255\n'; head -c 262144 /dev/zero | tr '\0' "$2"; } >"$1"; }
pgm "$tmp/scored.pgm" '\100'
pgm "$tmp/cal/a.pgm" '\060'
pgm "$tmp/cal/b.pgm" '\220'
sed -e "s#^  file: .*#  file: $tmp/scored.pgm#" -e "s#^  calibration: .*#  calibration: $tmp/cal#" \
  configs/workloads/edge_detect.yaml >"$tmp/edge.yaml"
edge=(configs/arch/mott_cim.yaml "$tmp/edge.yaml" --mode functional --no-timeline)
run run "${edge[@]}" -o "$tmp/e1"
check "edge detection calibrated on two images" 0 "Calibration: 2 sample\(s\) of images"
echo "notes" >"$tmp/cal/README.txt"
run run "${edge[@]}" -o "$tmp/e2"
check "a file that is not an image beside them" 0
pgm "$tmp/cal/b.pgm" '\230'
run run "${edge[@]}" -o "$tmp/e3"
check "one calibration image changed" 0
e1=$(hash_of "$tmp/e1")
e2=$(hash_of "$tmp/e2")
e3=$(hash_of "$tmp/e3")
holds "a stray file in the calibration folder leaves the hash" '[[ $e1 == "$e2" ]]' "($e1 and $e2)"
holds "a changed calibration image changes it" '[[ $e1 != "$e3" ]]' "(both $e1)"

finish
