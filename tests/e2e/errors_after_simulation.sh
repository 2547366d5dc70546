#!/usr/bin/env bash
# Bad input that mottsim can only find after the SystemC kernel has run (the
# image of functional mode is read after the perf simulation, the output
# directory is made after it) is still a located error with exit status 2,
# nothing written. In a sanitizer build this also checks that an exception
# thrown after sc_start is not mistaken for a stack error: the kernel's
# processes run on stacks of their own, which AddressSanitizer must be told
# about (see platform/elaboration/simulation_kernel.cpp).
#
# usage: errors_after_simulation.sh <mottsim binary> <source dir>
set -uo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <mottsim binary> <source dir>" >&2
  exit 1
fi
mottsim=$1
cd "$2" || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect_error NAME LOCATION ARGS...: `mottsim run ARGS... -o $tmp/out` exits
# with status 2, prints "LOCATION: error: ", no sanitizer report, and leaves no
# output directory.
expect_error() {
  local name=$1 where=$2
  shift 2
  local out status problems=()
  rm -rf "$tmp/out"
  out=$(timeout 120 "$mottsim" run "$@" 2>&1)
  status=$?
  [[ $status -eq 2 ]] || problems+=("exit status $status, expected 2")
  grep -qF -- "$where: error: " <<<"$out" || problems+=("no line '$where: error: ...'")
  if grep -qE 'AddressSanitizer|runtime error:|LeakSanitizer' <<<"$out"; then
    problems+=("sanitizer report")
  fi
  [[ ! -e $tmp/out ]] || problems+=("wrote $tmp/out")
  if [[ ${#problems[@]} -eq 0 ]]; then
    passed=$((passed + 1))
    return
  fi
  failed=$((failed + 1))
  echo "FAIL $name"
  printf '  %s\n' "${problems[@]}"
  printf '%s\n' "$out" | head -40 | sed 's/^/    /'
}

edge=(configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml --mode functional)
expect_error "functional run, missing image" "$tmp/no_such.png" "${edge[@]}" --image "$tmp/no_such.png" -o "$tmp/out"

printf 'P5\n3 3\n255\n\x01\x02\x03\x04\x05\x06\x07\x08\x09' >"$tmp/small.pgm"
expect_error "functional run, image of the wrong size" "$tmp/small.pgm" "${edge[@]}" --image "$tmp/small.pgm" \
  -o "$tmp/out"

printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\xff\xff' >"$tmp/cut.png"
expect_error "functional run, truncated PNG" "$tmp/cut.png" "${edge[@]}" --image "$tmp/cut.png" -o "$tmp/out"

# The output directory cannot be made (its parent is a file): found when the
# report is written, after the simulation, on a CIM chip and on a processor.
: >"$tmp/file"
expect_error "CIM run, output under a file" "-o $tmp/file/out" configs/arch/adc_cim.yaml \
  configs/workloads/edge_detect.yaml -o "$tmp/file/out"
expect_error "processor run, output under a file" "-o $tmp/file/out" configs/arch/cpu_baseline.yaml \
  configs/workloads/lenet5_mnist.yaml -o "$tmp/file/out"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
