#!/usr/bin/env bash
# Every tests/bad_configs/onnx/NAME.onnx is a broken model a user could hand
# mottsim; NAME.expect holds the text its error must contain. Each must give
# one located error ("FILE: error: ...") and exit status 2, both from `import`
# (which then writes nothing) and from `run`, never a crash.
# usage: onnx_bad_models.sh <mottsim binary> <source dir>
set -uo pipefail
mottsim=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0
shopt -s nullglob
cases=(tests/bad_configs/onnx/*.onnx)
if [[ ${#cases[@]} -lt 5 ]]; then
  echo "FAIL: expected the five broken models of tests/bad_configs/onnx, found ${#cases[@]}"
  exit 1
fi
check() {  # label file status output
  local label=$1 file=$2 status=$3 output=$4 expect
  expect=$(<"${file%.onnx}.expect")
  local problems=()
  [[ $status -eq 2 ]] || problems+=("exit status $status, expected 2")
  [[ $output == *"$file: $expect"* ]] || problems+=("no '$file: $expect' in the output")
  local lines
  lines=$(grep -c ": error: " <<<"$output")
  [[ $lines -eq 1 ]] || problems+=("$lines error lines, expected 1")
  if [[ ${#problems[@]} -eq 0 ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $label $file"
    printf '  %s\n' "${problems[@]}"
    printf '%s\n' "$output" | sed 's/^/    /'
  fi
}
for file in "${cases[@]}"; do
  output=$("$mottsim" import "$file" -o "$tmp/imported.yaml" 2>&1)
  check import "$file" $? "$output"
  if [[ -e $tmp/imported.yaml ]]; then
    echo "FAIL import $file: wrote $tmp/imported.yaml although it failed"
    failed=$((failed + 1))
    rm -f "$tmp/imported.yaml"
  fi
  output=$("$mottsim" run configs/arch/adc_cim.yaml "$file" -o "$tmp/run" 2>&1)
  check run "$file" $? "$output"
done
echo "onnx_bad_models: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
