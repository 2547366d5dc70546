#!/usr/bin/env bash
# A long fuzz campaign over the shipped YAML files, outside CI: 10,000 mutants
# (tests/fuzz/fuzz_yaml.sh says what a mutant is and what counts as a failure)
# with the normal build, every processor busy. Prints the time it took and every
# failure class; failing mutants and their output are kept in DIR (default
# out/fuzz_campaign/).
# Usage: bench/fuzz_campaign.sh [COUNT] [SEED] [BUILD_DIR] [DIR]   (defaults 10000 1 build out/fuzz_campaign)
# A sanitizer build is slower but finds more: bench/fuzz_campaign.sh 10000 1 build-asan
set -uo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
seed=${2:-1}
build=${3:-build}
keep=${4:-out/fuzz_campaign}
for program in "$build/mottsim" "$build/tests/yaml_mutator"; do
  if [[ ! -x $program ]]; then
    echo "bench/fuzz_campaign.sh: $program is missing; build first (make build, or cmake --build $build)" >&2
    exit 1
  fi
done
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s.%N)
bash tests/fuzz/fuzz_yaml.sh "$build/mottsim" "$build/tests/yaml_mutator" . \
    --count "$count" --seed "$seed" --jobs "$jobs" --keep "$keep" --show 2
status=$?
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" -v n="$count" -v j="$jobs" \
    'BEGIN { printf "fuzz campaign: %d mutants in %.0f s (%.1f ms per mutant, %d at once)\n", n, b - a, 1000 * (b - a) / n, j }'
exit $status
