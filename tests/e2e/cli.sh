#!/usr/bin/env bash
# The command line as a user meets it: exit statuses, help, and what validate,
# list and describe print.
#
# usage: cli.sh <mottsim binary> <source dir>
set -uo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <mottsim binary> <source dir>" >&2
  exit 1
fi
mottsim=$1
cd "$2" || exit 1

passed=0
failed=0
out=""
status=0

# run ARGS...: runs mottsim (10 s at most), keeping stdout+stderr in $out and the status in $status.
run() {
  out=$(timeout 10 "$mottsim" "$@" 2>&1)
  status=$?
}

# check NAME EXPECTED_STATUS [REGEX...]: the last run exited with EXPECTED_STATUS
# and its output matches every extended REGEX.
check() {
  local name=$1 want=$2
  shift 2
  local problems=()
  [[ $status -eq $want ]] || problems+=("exit status $status, expected $want")
  local re
  for re in "$@"; do
    grep -Eq -- "$re" <<<"$out" || problems+=("output does not match /$re/")
  done
  if [[ ${#problems[@]} -eq 0 ]]; then
    passed=$((passed + 1))
    return
  fi
  failed=$((failed + 1))
  echo "FAIL $name"
  printf '  %s\n' "${problems[@]}"
  echo "  output:"
  printf '%s\n' "$out" | head -40 | sed 's/^/    /'
}

# The version CMake bakes in, so the check follows the project's version.
version=$(sed -n 's/^project(mottsim VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ -n $version ]] || version="[0-9]+\.[0-9]+\.[0-9]+"

run --version
check "--version" 0 "^mottsim ${version//./\\.}\$"

run --help
check "--help" 0 "validate" "list" "describe"

run validate --help
check "validate --help" 0 "--set" "[Ff]iles"

run list --help
check "list --help" 0 "type"

run
check "no subcommand" 2 "subcommand"

run frobnicate
check "unknown subcommand" 2 "unknown command 'frobnicate'"

run valdate configs/arch/mott_cim.yaml
check "misspelt subcommand" 2 "did you mean 'validate'\?"

run validate
check "validate without files" 2 "required"

run describe
check "describe without a file" 2 "required"

run validate no/such/file.yaml
check "validate a missing file" 2 "^no/such/file\.yaml: error: cannot open file"

shipped=(configs/arch/*.yaml configs/tech/*.yaml configs/workloads/*.yaml)
run validate "${shipped[@]}"
ok_lines=$(grep -c '^ok: ' <<<"$out")
check "validate every shipped config" 0
if [[ $ok_lines -ne ${#shipped[@]} ]]; then
  failed=$((failed + 1))
  echo "FAIL validate every shipped config: $ok_lines 'ok:' lines for ${#shipped[@]} files"
fi

# One bad file among good ones: status 2, and the good ones still reported.
run validate configs/arch/mott_cim.yaml tests/bad_configs/arch/wrong_unit.yaml
check "validate good and bad files together" 2 "^ok: configs/arch/mott_cim\.yaml" \
  "^tests/bad_configs/arch/wrong_unit\.yaml:7:14: error: "

run list
check "list" 0 "cim_tile" "mott_neuron" "dram" "processor"

run list cim_tile
check "list cim_tile" 0 "^cim_tile: " "arrays" "readout" "crossbar\.rows" "buffer\.capacity" "1 GHz"

run list nosuchtype
check "list nosuchtype" 2 "unknown type 'nosuchtype'"

run list cim_tlie
check "list cim_tlie" 2 "unknown type 'cim_tlie' \(did you mean 'cim_tile'\?\)"

# describe: every value with where it came from; a tech library value names its
# file and line.
run describe configs/arch/mott_cim.yaml
check "describe mott_cim" 0 "^architecture mott_cim" \
  "transition_temperature +[0-9.]+ K +configs/tech/mott_neurons\.yaml:[0-9]+:[0-9]+$" \
  "arrays +[0-9]+ +configs/arch/mott_cim\.yaml:[0-9]+:[0-9]+$" \
  " default$"

run describe --set components.tile.arrays=4 configs/arch/mott_cim.yaml
check "describe --set" 0 "arrays +4 +--set 'components\.tile\.arrays=4'$"

run validate --set components.tile.count=0 configs/arch/adc_cim.yaml
check "validate --set count=0" 2 "^--set 'components\.tile\.count=0': error: .*'count' must be a whole number from 1"

run validate --set components.tile.crossbar.rows=64 configs/arch/adc_cim.yaml
check "validate --set rows=64" 0 "^ok: configs/arch/adc_cim\.yaml"

run validate --set nonsense configs/arch/adc_cim.yaml
check "validate --set without '='" 2 "^--set 'nonsense': error: expected 'path\.to\.key=value'"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
