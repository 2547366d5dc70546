#!/usr/bin/env bash
# Mutation fuzzing of the shipped YAML files (configs/arch, workloads, sweeps,
# tech). Mutant I (0-based) mutates file I mod N of the sorted list with
# yaml_mutator (SEED, I), in a private copy of configs/ so that relative
# references (extends, tech, base, workloads) still resolve, then runs
#   mottsim validate MUTANT
# and, when that accepts it, simulates it in perf mode:
#   architecture   run MUTANT edge_detect|lenet5_mnist -o TMP --no-timeline
#                  (cim_base.yaml, which is only extended: through mott_cim or adc_cim)
#   workload       run ARCH MUTANT -o TMP --no-timeline (ARCH rotates over the four chips)
#   tech library   run an architecture that uses it, on edge_detect|lenet5_mnist
#   sweep          sweep MUTANT --dry-run
# Exit status 0 or 2 is what bad input may get. A mutant fails on:
#   - a signal, exit status 1 (internal error) or any status but 0 and 2;
#   - a run over TIMEOUT seconds (a hang);
#   - a sanitizer report on stderr ("ERROR: AddressSanitizer", "runtime error:", ...);
#   - exit status 2 without an "error:" line, or with files left in the output directory;
#   - a run with exit status 0 that wrote no report.json.
# Failures are grouped into classes (a signature with numbers blanked) and the
# script prints, for each failing mutant, how to rebuild it and the command that
# failed.
#
# usage: fuzz_yaml.sh MOTTSIM MUTATOR SOURCE_DIR [--count N] [--seed S] [--timeout SECONDS]
#                     [--jobs J] [--keep DIR] [--show N]
#   --count    mutants to run (default 500)
#   --seed     seed of every mutation (default 1)
#   --timeout  seconds one mottsim command may take before it counts as a hang (default 20)
#   --jobs     mutants at once (default 1)
#   --keep     copy every failing mutant and its output into DIR
#   --show     print the details of at most N failing mutants per class (default 3)
set -uo pipefail

usage() {
  sed -n 's/^# \{0,1\}//; /^usage:/,/^ *--show/p' "$0" >&2
  exit 1
}
[[ $# -ge 3 ]] || usage
mottsim=$(realpath "$1") || exit 1
mutator=$(realpath "$2") || exit 1
source_dir=$(realpath "$3") || exit 1
shift 3
count=500 seed=1 timeout_s=20 jobs=1 keep="" show=3
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) count=$2 ;;
    --seed) seed=$2 ;;
    --timeout) timeout_s=$2 ;;
    --jobs) jobs=$2 ;;
    --keep) keep=$2 ;;
    --show) show=$2 ;;
    *) usage ;;
  esac
  shift 2 || usage
done
for n in "$count" "$seed" "$timeout_s" "$jobs" "$show"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "fuzz_yaml.sh: '$n' is not a non-negative integer" >&2; exit 1; }
done
((jobs >= 1)) || jobs=1
[[ -x $mottsim && -x $mutator ]] || { echo "fuzz_yaml.sh: $mottsim or $mutator is not executable" >&2; exit 1; }
if [[ -n $keep ]]; then
  mkdir -p "$keep" && keep=$(realpath "$keep") || exit 1
  rm -f "$keep"/mutant-*
fi

# Sanitizer builds: stop at the first report; LeakSanitizer is not asked for
# (the SystemC kernel keeps its objects until exit by design).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

cd "$source_dir" || exit 1
shopt -s nullglob
files=(configs/arch/*.yaml configs/workloads/*.yaml configs/sweeps/*.yaml configs/tech/*.yaml)
nfiles=${#files[@]}
((nfiles > 0)) || { echo "fuzz_yaml.sh: no YAML files under $source_dir/configs" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mottsim-fuzz.XXXXXX") || exit 1
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

runnable_archs=(configs/arch/cpu_baseline.yaml configs/arch/systolic_baseline.yaml configs/arch/adc_cim.yaml
                configs/arch/mott_cim.yaml)
small_workloads=(configs/workloads/edge_detect.yaml configs/workloads/lenet5_mnist.yaml)

# The architectures that read a tech library (their own or their base's tech: list).
archs_using() {
  local tech=${1#configs/} arch base users=()
  for arch in "${runnable_archs[@]}"; do
    base=$(sed -n 's/^extends: *//p' "$arch")
    if grep -q "${tech#tech/}" "$arch" || { [[ -n $base ]] && grep -q "${tech#tech/}" "configs/arch/$base"; }; then
      users+=("$arch")
    fi
  done
  echo "${users[@]}"
}

# signature OUTPUT_FILE: one line naming the kind of failure, numbers blanked,
# so that many mutants hitting one bug count as one class.
signature() {
  local out=$1 line
  line=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer): [^ ]+' "$out")
  if [[ -n $line ]]; then
    # The first frame in mottsim's own code says where.
    local frame
    frame=$(grep -m1 -oE '/(dsl|models|platform|reports)/[A-Za-z0-9_./-]+:[0-9]+' "$out")
    echo "$line at ${frame#/}"
    return
  fi
  line=$(grep -m1 -oE '[A-Za-z0-9_./-]+:[0-9]+:[0-9]+: runtime error: .*' "$out")
  if [[ -n $line ]]; then
    sed -E 's#^.*/((dsl|models|platform|reports|tests)/)#\1#; s/(runtime error: [^0-9]*).*/\1/' <<<"$line"
    return
  fi
  line=$(grep -m1 -oE '(internal error|terminate called|what\(\)).*' "$out")
  [[ -n $line ]] && sed -E "s/'[^']*'/'...'/g; s/[0-9]+/N/g" <<<"$line"
}

# check KIND STATUS OUT_FILE [OUTPUT_DIR]: prints why the command failed, or nothing.
check() {
  local kind=$1 status=$2 out=$3 dir=${4:-}
  # SystemC threads run on stacks of their own: an error thrown in one (a
  # simulated time past what SystemC holds, which mottsim reports as a located
  # error) makes ASan note that it ignores __asan_handle_no_return. That notice
  # is not a report; any report it warns of would follow as an ERROR line.
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer)' "$out" ||
    grep -E 'WARNING: ASan' "$out" | grep -qv 'ignoring requested __asan_handle_no_return'; then
    echo "$kind: sanitizer report: $(signature "$out")"
  elif ((status == 124 || status == 137)); then
    echo "$kind: hang (over ${timeout_s} s)"
  elif ((status > 128)); then
    echo "$kind: signal $((status - 128)) $(signature "$out")"
  elif ((status == 1)); then
    echo "$kind: exit status 1: $(signature "$out")"
  elif ((status != 0 && status != 2)); then
    echo "$kind: exit status $status"
  elif ((status == 2)) && ! grep -q 'error' "$out"; then
    echo "$kind: exit status 2 without an error message"
  elif ((status == 2)) && [[ -n $dir && -d $dir ]] && [[ -n $(ls -A "$dir") ]]; then
    echo "$kind: exit status 2 left files in the output directory"
  elif ((status == 0)) && [[ $kind == run && ! -s $dir/report.json ]]; then
    echo "$kind: exit status 0 without report.json"
  fi
}

# worker K: mutants K, K+jobs, K+2*jobs, ... in its own copy of configs/.
worker() {
  local k=$1 i file tree=$work/tree$k desc status why run_arch run_workload users
  mkdir -p "$tree" && cp -r configs "$tree/" || return 1
  local results=$work/results$k out=$work/out$k.txt outdir=$work/run$k
  : >"$results"
  for ((i = k; i < count; i += jobs)); do
    file=${files[i % nfiles]}
    local round=$((i / nfiles))
    if ! desc=$("$mutator" "$seed" "$i" "$file" "$tree/$file" 2>&1); then
      printf '%s\tfail\tmutator failed\t%s\t%s\n' "$i" "$file" "$desc" >>"$results"
      continue
    fi
    desc=${desc//[$'\n\t']/ }
    local cmd=()
    case $file in
      configs/sweeps/*) cmd=(sweep "$file" --dry-run) ;;
      configs/arch/cim_base.yaml)
        run_arch=${runnable_archs[2 + round % 2]}
        run_workload=${small_workloads[(round / 2) % 2]} ;;
      configs/arch/*) run_arch=$file run_workload=${small_workloads[round % 2]} ;;
      configs/workloads/*)
        run_arch=${runnable_archs[round % 4]} run_workload=$file
        # The networks `mottsim import` wrote (ViT-B/16: 17.6 G MACs) take
        # seconds to simulate, past the hang limit under the sanitizers: their
        # mutants are validated (shapes, MACs, every key) but not run.
        grep -q '^# .*imported by `mottsim import`' "$file" && cmd=(validate "$file") ;;
      configs/tech/*)
        read -ra users <<<"$(archs_using "$file")"
        ((${#users[@]} > 0)) || users=("${runnable_archs[@]}")
        run_arch=${users[round % ${#users[@]}]}
        run_workload=${small_workloads[(round / ${#users[@]}) % 2]} ;;
    esac
    [[ ${#cmd[@]} -gt 0 ]] || cmd=(run "$run_arch" "$run_workload" -o "$outdir" --no-timeline)

    local outcome=rejected failed_cmd=() why=""
    (cd "$tree" && timeout -k 5 "$timeout_s" "$mottsim" validate "$file") >"$out" 2>&1
    status=$?
    why=$(check validate "$status" "$out")
    [[ -n $why ]] && failed_cmd=(validate "$file")
    if [[ -z $why && $status -eq 0 ]]; then
      outcome=valid
      rm -rf "$outdir"
      (cd "$tree" && timeout -k 5 "$timeout_s" "$mottsim" "${cmd[@]}") >"$out" 2>&1
      status=$?
      why=$(check "${cmd[0]}" "$status" "$out" "$outdir")
      [[ -n $why ]] && failed_cmd=("${cmd[@]}")
    fi
    if [[ -n $why ]]; then
      printf '%s\tfail\t%s\t%s\t%s\n' "$i" "$why" "$file" "$desc" >>"$results"
      {
        echo "mutant $i of $file ($desc)"
        echo "  $why"
        echo "  rebuild: cp -r configs /tmp/m && $(basename "$mutator") $seed $i $file /tmp/m/$file"
        echo "  then:    cd /tmp/m && mottsim ${failed_cmd[*]//$outdir/OUT}  (exit status $status)"
        grep -vE '^ *$' "$out" | head -n 12 | cut -c1-300 | sed 's/^/    | /'
      } >"$work/fail-$i.txt"
      if [[ -n $keep ]]; then
        cp "$tree/$file" "$keep/mutant-$i-$(basename "$file")"
        cp "$work/fail-$i.txt" "$keep/mutant-$i.txt"
        cat "$out" >>"$keep/mutant-$i.txt"
      fi
    else
      printf '%s\t%s\t\t%s\t%s\n' "$i" "$outcome" "$file" "$desc" >>"$results"
    fi
    cp "$file" "$tree/$file"  # the next mutant of this file starts from the shipped one
  done
}

started=$SECONDS
pids=()
for ((k = 0; k < jobs; ++k)); do
  worker "$k" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

results=$(cat "$work"/results* | sort -n)
ran=$(grep -c . <<<"$results")
valid=$(grep -c $'^[0-9]*\tvalid\t' <<<"$results")
rejected=$(grep -c $'^[0-9]*\trejected\t' <<<"$results")
failures=$(grep -c $'^[0-9]*\tfail\t' <<<"$results")

if ((failures > 0)); then
  echo "failure classes (mutants: class):"
  cut -f3 <<<"$results" | grep -v '^$' | sort | uniq -c | sort -rn | sed 's/^ *\([0-9]*\) /  \1: /'
  echo
  # A few mutants of each class in full.
  declare -A shown=()
  while IFS=$'\t' read -r i _ why _; do
    [[ -n $why ]] || continue
    ((${shown[$why]:-0} < show)) || continue
    shown[$why]=$((${shown[$why]:-0} + 1))
    cat "$work/fail-$i.txt"
    echo
  done < <(grep $'^[0-9]*\tfail\t' <<<"$results")
  [[ -n $keep ]] && echo "failing mutants and their output: $keep/"
fi
echo "fuzz: $ran mutants (seed $seed): $valid valid, $rejected rejected (exit 2), $failures failures" \
     "in $((SECONDS - started)) s"
((ran == count && failures == 0))
