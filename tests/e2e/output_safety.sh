#!/usr/bin/env bash
# Output directories are safe: names that would leave the output directory are
# refused, mottsim never writes into system directories, and a comparison only
# ever replaces what mottsim itself wrote. Every case checks that the user's
# files next to (and inside) the output directory survive.
#
# usage: output_safety.sh <mottsim binary> <source dir>
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
e2e_arguments "$@"

run_timeout=60
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# check_after NAME EXPECTED_STATUS CONDITION [REGEX...]: as check, and a shell
# condition that must hold afterwards.
check_after() {
  local name=$1 want=$2 cond=$3
  shift 3
  local problems=()
  mapfile -t problems < <(output_problems "$want" "$@")
  eval "$cond" || problems+=("afterwards, not true: $cond")
  verdict "$name" "${problems[@]}"
}

# A sandbox: the user's file beside the output directory and one inside it.
sandbox() {
  rm -rf "$work/s"
  mkdir -p "$work/s/out"
  echo keep >"$work/s/keep.txt"
  echo mine >"$work/s/out/mine.txt"
}
intact='[[ -f $work/s/keep.txt && -f $work/s/out/mine.txt ]]'

# A two-point sweep of the CPU baseline, at $work/s/sweep.yaml.
tiny_sweep() {
  cat >"$work/s/sweep.yaml" <<EOF
name: tiny
base: $src/configs/arch/cpu_baseline.yaml
workloads: $src/configs/workloads/edge_detect.yaml
parameters:
  components.cpu.clock: [1 GHz, 2 GHz]
EOF
}

# An architecture that is the CPU baseline under another name.
named_arch() {
  printf 'name: %s\nextends: %s/configs/arch/cpu_baseline.yaml\n' "$1" "$src" >"$work/s/arch.yaml"
}

for name in '..' '.' '/tmp' '../up' 'a/b' 'with space' 'compare.md' 'report.html' '.mottsim-output' '.hidden'; do
  sandbox
  named_arch "'$name'"
  run compare "$work/s/arch.yaml" --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
  check_after "compare refuses architecture name '$name'" 2 "$intact && [[ ! -e $work/s/out/compare.json ]]" \
    "arch.yaml:1:[0-9]+: error: architecture name"
done

# A good comparison, then the same again: mottsim replaces its own results.
sandbox
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "compare writes its results" 0 "$intact && [[ -f $work/s/out/cpu_baseline/report.json ]]"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "compare replaces its own results" 0 "$intact && [[ -f $work/s/out/cpu_baseline/report.json ]]"
check_after "no staging directory is left" 0 "! compgen -G '$work/s/out/.compare-*' >/dev/null"

# A file the user put into mottsim's result directory is never deleted.
echo notes >"$work/s/out/cpu_baseline/notes.txt"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "compare keeps a directory holding a user's file" 2 \
  "$intact && [[ -f $work/s/out/cpu_baseline/notes.txt && -f $work/s/out/cpu_baseline/report.json ]]" \
  "notes.txt: error: was not written by mottsim"

# Nor is a directory of the same name that mottsim did not write.
sandbox
mkdir -p "$work/s/out/cpu_baseline"
echo data >"$work/s/out/cpu_baseline/report.json"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "compare keeps a user's directory of the same name" 2 \
  "$intact && [[ \$(cat $work/s/out/cpu_baseline/report.json) == data ]]" "error: was not written by mottsim"

# Nor what a link inside the output directory points to.
sandbox
mkdir -p "$work/s/elsewhere" && echo precious >"$work/s/elsewhere/precious.txt"
ln -s "$work/s/elsewhere" "$work/s/out/cpu_baseline"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "compare keeps a link and what it points to" 2 "$intact && [[ -f $work/s/elsewhere/precious.txt ]]" \
  "was not written by mottsim"

# The root and system directories are never written into.
for dir in / /etc /usr /proc/mottsim /sys/x /dev/shm/x; do
  run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$dir" --no-timeline
  check_after "run refuses -o $dir" 2 "[[ ! -e $dir/report.json ]]" "-o $dir: error: refusing to write into the root or a system directory"
done

# A layer whose name would make its PNG maps leave the output directory.
sandbox
sed 's/^  - name: edges$/  - name: "..\/..\/escaped"/' configs/workloads/edge_detect.yaml >"$work/s/w.yaml"
sed -i "s|file: ../images/|file: $src/configs/images/|" "$work/s/w.yaml"
run run configs/arch/mott_cim.yaml "$work/s/w.yaml" --mode functional -o "$work/s/out/run"
check_after "functional run refuses a layer name with a path" 2 "$intact && ! compgen -G '$work/escaped*' >/dev/null" \
  "w.yaml:[0-9]+:[0-9]+: error: layer name '../../escaped'"

# No command writes over a file it reads, whatever name -o gives it; it stops
# before writing anything.
overwrite='-o: error: the output .* would overwrite the input'
sandbox
printf '32,32,3,3,3,128,0,1\n32,32,128,3,3,128,1,1\n' >"$work/s/net.csv"
cp "$work/s/net.csv" "$work/s/net.csv.orig"
unchanged='cmp -s $work/s/net.csv $work/s/net.csv.orig'
run import "$work/s/net.csv" -o "$work/s/net.csv"
check_after "import refuses -o its own CSV" 2 "$intact && $unchanged" \
  "^-o: error: the output '$work/s/net.csv' would overwrite the input '$work/s/net.csv'\$"
run import "$work/s/net.csv" -o "$work/s/out/../net.csv"
check_after "import refuses its CSV under another name" 2 "$unchanged" "$overwrite '$work/s/net.csv'"
ln -s "$work/s/net.csv" "$work/s/link.yaml"
run import "$work/s/net.csv" -o "$work/s/link.yaml"
check_after "import refuses a link to its CSV" 2 "$unchanged && [[ -L $work/s/link.yaml ]]" "$overwrite"
run import "$work/s/net.csv" -o "$work/s/net.yaml"
check_after "import writes beside its CSV" 0 "$unchanged && [[ -f $work/s/net.yaml ]]"

# neuron-curve: the architecture, and a file it extends.
printf 'name: mine\nextends: %s/configs/arch/mott_cim.yaml\n' "$src" >"$work/s/base.yaml"
printf 'name: mine2\nextends: base.yaml\n' >"$work/s/arch.yaml"
cp "$work/s/arch.yaml" "$work/s/arch.orig"
cp "$work/s/base.yaml" "$work/s/base.orig"
archs_kept="cmp -s $work/s/arch.yaml $work/s/arch.orig && cmp -s $work/s/base.yaml $work/s/base.orig"
run neuron-curve "$work/s/arch.yaml" --points 3 -o "$work/s/arch.yaml"
check_after "neuron-curve refuses -o its architecture" 2 "$archs_kept" "$overwrite '$work/s/arch.yaml'"
run neuron-curve "$work/s/arch.yaml" --points 3 -o "$work/s/base.yaml"
check_after "neuron-curve refuses -o a file its architecture extends" 2 "$archs_kept" "$overwrite '.*base\.yaml'"

# compare writes DIR/compare.md and DIR/NAME/: neither may be an input.
sandbox
sed "s|\.\./images/|$src/configs/images/|g" configs/workloads/edge_detect.yaml >"$work/s/out/compare.md"
cp "$work/s/out/compare.md" "$work/s/w.orig"
run compare configs/arch/cpu_baseline.yaml --workload "$work/s/out/compare.md" -o "$work/s/out"
check_after "compare refuses a workload where it writes compare.md" 2 \
  "$intact && cmp -s $work/s/out/compare.md $work/s/w.orig && ! compgen -G '$work/s/out/.compare-*' >/dev/null" \
  "$overwrite '$work/s/out/compare\.md'"
mkdir -p "$work/s/out/cpu_baseline"
printf 'name: cpu_baseline\nextends: %s/configs/arch/cpu_baseline.yaml\n' "$src" >"$work/s/out/cpu_baseline/cpu_baseline.yaml"
run compare "$work/s/out/cpu_baseline/cpu_baseline.yaml" --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "compare refuses an architecture inside a directory it replaces" 2 \
  "[[ -f $work/s/out/cpu_baseline/cpu_baseline.yaml ]]" \
  "-o: error: the output '$work/s/out/cpu_baseline' would replace the directory holding the input"

# run writes DIR/summary.md; sweep writes DIR/results.csv.
sandbox
cp configs/arch/cpu_baseline.yaml "$work/s/out/summary.md"
run run "$work/s/out/summary.md" configs/workloads/edge_detect.yaml -o "$work/s/out" --no-timeline
check_after "run refuses an architecture where it writes summary.md" 2 \
  "$intact && cmp -s $work/s/out/summary.md configs/arch/cpu_baseline.yaml && [[ ! -e $work/s/out/report.json ]]" \
  "$overwrite '$work/s/out/summary\.md'"
# run and sweep also read what the architecture extends and lists, and what
# the workload names: none of those may be among what they write.
printf 'name: base\nextends: %s/configs/arch/cpu_baseline.yaml\n' "$src" >"$work/s/out/report.json"
cp "$work/s/out/report.json" "$work/s/base.orig"
printf 'name: mine\nextends: out/report.json\n' >"$work/s/ext.yaml"
run run "$work/s/ext.yaml" configs/workloads/edge_detect.yaml -o "$work/s/out" --no-timeline
# (Refused before the run, as a file mottsim did not write, or after it, as an input.)
in_the_way='error: cannot write file: it is in the way, and mottsim did not write it'
check_after "run refuses a file its architecture extends where it writes report.json" 2 \
  "$intact && cmp -s $work/s/out/report.json $work/s/base.orig" \
  "($overwrite '.*out/report\.json'|out/report\.json: $in_the_way)"
rm "$work/s/out/report.json"
sed "s|\.\./images/|$src/configs/images/|g; s|weights_file: .*|weights_file: $work/s/out/summary.md|" \
  configs/workloads/lenet5_mnist.yaml >"$work/s/lenet.yaml"
cp data/lenet5_mnist_weights.json "$work/s/out/summary.md" 2>/dev/null || echo '{}' >"$work/s/out/summary.md"
cp "$work/s/out/summary.md" "$work/s/weights.orig"
run run configs/arch/mott_cim.yaml "$work/s/lenet.yaml" -o "$work/s/out" --no-timeline
check_after "run refuses its workload's weights where it writes summary.md" 2 \
  "$intact && cmp -s $work/s/out/summary.md $work/s/weights.orig" \
  "($overwrite '.*out/summary\.md'|out/summary\.md: $in_the_way)"
rm "$work/s/out/summary.md"
printf 'name: base\nextends: %s/configs/arch/adc_cim.yaml\n' "$src" >"$work/s/out/sweep.json"
printf 'name: mine\nextends: out/sweep.json\n' >"$work/s/ext.yaml"
sed "s|: \.\./|: $src/configs/|; s|^base: .*|base: $work/s/ext.yaml|" configs/sweeps/adc_crossbar_x_adc_bits.yaml \
  >"$work/s/sweep.yaml"
cp "$work/s/out/sweep.json" "$work/s/base.orig"
run sweep "$work/s/sweep.yaml" -o "$work/s/out"
check_after "sweep refuses a file its base extends where it writes sweep.json" 2 \
  "$intact && cmp -s $work/s/out/sweep.json $work/s/base.orig" "$overwrite '.*out/sweep\.json'"
rm "$work/s/out/sweep.json"
sed "s|: \.\./|: $src/configs/|" configs/sweeps/adc_crossbar_x_adc_bits.yaml >"$work/s/out/results.csv"
cp "$work/s/out/results.csv" "$work/s/sweep.orig"
run sweep "$work/s/out/results.csv" -o "$work/s/out"
check_after "sweep refuses a sweep file where it writes results.csv" 2 \
  "$intact && cmp -s $work/s/out/results.csv $work/s/sweep.orig && [[ ! -e $work/s/out/results.jsonl ]]" \
  "$overwrite '$work/s/out/results\.csv'"

# A file of the user's that only has an output's name (no manifest lists it)
# is refused before anything runs, by run, compare and sweep alike.
sandbox
echo mine >"$work/s/out/report.json"
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out" --no-timeline
check_after "run refuses to replace a report.json it did not write" 2 \
  "$intact && [[ \$(cat $work/s/out/report.json) == mine && ! -e $work/s/out/summary.md ]]" \
  "out/report\.json: $in_the_way"
sandbox
echo mine >"$work/s/out/trace.json"
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out" --no-timeline
check_after "a run that writes no trace.json leaves the user's alone" 0 \
  "$intact && [[ \$(cat $work/s/out/trace.json) == mine && -s $work/s/out/report.json ]]"
sandbox
echo mine >"$work/s/out/compare.md"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "compare refuses to replace a compare.md it did not write" 2 \
  "$intact && [[ \$(cat $work/s/out/compare.md) == mine && ! -e $work/s/out/cpu_baseline ]]" \
  "out/compare\.md: $in_the_way"
sandbox
echo mine >"$work/s/out/results.csv"
sed "s|: \.\./|: $src/configs/|" configs/sweeps/adc_crossbar_x_adc_bits.yaml >"$work/s/sweep.yaml"
run sweep "$work/s/sweep.yaml" -o "$work/s/out"
check_after "sweep refuses to replace a results.csv it did not write" 2 \
  "$intact && [[ \$(cat $work/s/out/results.csv) == mine && ! -e $work/s/out/results.jsonl ]]" \
  "out/results\.csv: $in_the_way"
sandbox
echo mine >"$work/s/out/edges_0_reference.png"
# --max-work 1 stops any run that gets as far as planning: the refusal comes before it.
run run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml --mode functional -o "$work/s/out" \
  --no-timeline --max-work 1
check_after "a functional run refuses a file named as one of its maps, before it simulates" 2 \
  "$intact && [[ \$(cat $work/s/out/edges_0_reference.png) == mine && ! -e $work/s/out/report.json ]] &&
   ! grep -q 'TLM transactions' <<<\"\$out\"" \
  "out/edges_0_reference\.png: $in_the_way"

# A comparison killed mid-way leaves DIR/.compare-PID/ (or a half-written
# DIR/.compare.md.tmpPID); the next one that succeeds removes them, but not
# the staging of a comparison still running, nor a directory of the user's
# that only looks like one.
sandbox
dead=$(sh -c 'echo $$')  # a process that has exited
mkdir -p "$work/s/out/.compare-$dead/cpu_baseline" "$work/s/out/.compare-$$" "$work/s/out/.compare-mine"
printf '%s\n' "$dead" >"$work/s/out/.compare-$dead/.mottsim-staging"
echo partial >"$work/s/out/.compare-$dead/cpu_baseline.log"
echo partial >"$work/s/out/.compare.md.tmp$dead"
touch -d '1 hour ago' "$work/s/out/.compare.md.tmp$dead"
printf '%s\n' "$$" >"$work/s/out/.compare-$$/.mottsim-staging"
echo mine >"$work/s/out/.compare-mine/notes.txt"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "a later comparison removes a killed one's staging directory" 0 \
  "$intact && [[ ! -e $work/s/out/.compare-$dead && -d $work/s/out/.compare-$$ && -f $work/s/out/.compare-mine/notes.txt ]]"
check_after "and its half-written file" 0 "[[ ! -e $work/s/out/.compare.md.tmp$dead ]]"

# A sweep killed while it rewrote results.csv leaves .results.csv.tmpPID; the
# next run of the sweep into the directory removes it.
sandbox
tiny_sweep
run sweep "$work/s/sweep.yaml" -o "$work/s/out" -j 2
check_after "a sweep runs" 0 "$intact"
echo partial >"$work/s/out/.results.csv.tmp$dead"
echo partial >"$work/s/out/.pareto.csv.tmp$dead"  # fresh: perhaps another machine's, still writing
echo mine >"$work/s/out/.results.csv.tmpnotes"
touch -d '1 hour ago' "$work/s/out/.results.csv.tmp$dead" "$work/s/out/.results.csv.tmpnotes"
run sweep "$work/s/sweep.yaml" -o "$work/s/out" --resume
check_after "a resumed sweep removes a killed one's half-written table" 0 \
  "$intact && [[ ! -e $work/s/out/.results.csv.tmp$dead && -f $work/s/out/.results.csv.tmpnotes ]]"
check_after "but not one written minutes ago" 0 "[[ -f $work/s/out/.pareto.csv.tmp$dead ]]"

# A run into a directory an earlier run wrote replaces that run's files: what
# the earlier run wrote and this one does not (report.html and trace.json
# without a timeline, another workload's PNG maps) goes, never a user's file.
sandbox
run run configs/arch/mott_cim.yaml configs/workloads/vgg8_cifar10.yaml -o "$work/s/out"
check_after "a run writes its report.html" 0 "$intact && [[ -f $work/s/out/report.html && -f $work/s/out/trace.json ]]"
run run configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml -o "$work/s/out" --no-timeline
check_after "a later run removes the earlier one's report.html and trace.json" 0 \
  "$intact && [[ ! -e $work/s/out/report.html && ! -e $work/s/out/trace.json && -f $work/s/out/report.json ]] && \
   grep -q lenet5_mnist $work/s/out/summary.md && [[ \$(sort $work/s/out/.mottsim-output | tr '\\n' ' ') == 'report.json summary.md ' ]]" \
  "removed what an earlier command wrote there and this one did not: .*report\.html .*trace\.json"
run run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml -o "$work/s/out" --mode functional
check_after "a functional run writes its maps" 0 "$intact && [[ -f $work/s/out/edges_0.png && -f $work/s/out/report.html ]]"
# A file mottsim wrote that the user replaced by a link, or by a directory,
# stays: only regular files are removed.
rm "$work/s/out/edges_1.png" "$work/s/out/edges_2.png"
ln -s "$work/s/keep.txt" "$work/s/out/edges_1.png"
mkdir "$work/s/out/edges_2.png"
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "a perf run removes the functional run's maps" 0 \
  "$intact && ! compgen -G '$work/s/out/edges_*_reference.png' >/dev/null && [[ ! -e $work/s/out/edges_0.png ]]"
check_after "but not a link or a directory of that name" 0 \
  "[[ -L $work/s/out/edges_1.png && -d $work/s/out/edges_2.png && -f $work/s/keep.txt ]]"
# An earlier run's map that this run reads (--image) is not removed: the run stops.
sandbox
run run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml -o "$work/s/out" --mode functional --no-timeline
cp "$work/s/out/edges_0.png" "$work/s/edges.orig"
run run configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml -o "$work/s/out" --mode functional \
  --image "$work/s/out/edges_0.png"
check_after "a run refuses to remove an earlier output it reads" 2 \
  "$intact && cmp -s $work/s/out/edges_0.png $work/s/edges.orig && grep -q edge_detect $work/s/out/summary.md" \
  "^-o: error: the input '$work/s/out/edges_0\.png' is an earlier run's output"
# ... and says so before it simulates: a workload whose weights file is
# corrupt (found while the run prepares) still gets the -o error alone.
printf '{"format": NaN}' >"$work/s/bad_weights.json"
sed "s#^weights_file: .*#weights_file: $work/s/bad_weights.json#" configs/workloads/lenet5_mnist.yaml >"$work/s/bad.yaml"
run run configs/arch/adc_cim.yaml "$work/s/bad.yaml" -o "$work/s/out" --mode functional \
  --image "$work/s/out/edges_0.png"
weights_error=no
grep -q 'corrupt weights file' <<<"$out" && weights_error=yes
check_after "the refusal comes before the run reads anything else" 2 "$intact && [[ $weights_error == no ]]" \
  "^-o: error: the input '$work/s/out/edges_0\.png' is an earlier run's output"

# A comparison into a run's directory, and back: each replaces what the other
# wrote (a comparison's run directories included), never a user's file.
sandbox
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "a run before a comparison" 0 "[[ -f $work/s/out/summary.md ]]"
run compare configs/arch/cpu_baseline.yaml configs/arch/systolic_baseline.yaml \
  --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "a comparison removes the run's report.json, summary.md and trace.json" 0 \
  "$intact && [[ ! -e $work/s/out/summary.md && ! -e $work/s/out/report.json && ! -e $work/s/out/trace.json ]] && \
   [[ -f $work/s/out/compare.md && -f $work/s/out/systolic_baseline/report.json ]]"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "a later comparison removes an architecture it does not run" 0 \
  "$intact && [[ ! -e $work/s/out/systolic_baseline && -f $work/s/out/cpu_baseline/report.json ]]" \
  "removed what an earlier command wrote there and this one did not: $work/s/out/systolic_baseline"
echo notes >"$work/s/out/cpu_baseline/notes.txt"
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out" --no-timeline
check_after "a run keeps a comparison's directory holding a user's file, and stops first" 2 \
  "$intact && [[ -f $work/s/out/cpu_baseline/notes.txt && -f $work/s/out/compare.md && ! -e $work/s/out/summary.md ]]" \
  "notes.txt: error: was not written by mottsim"
rm "$work/s/out/cpu_baseline/notes.txt"
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out" --no-timeline
check_after "a run replaces a comparison" 0 \
  "$intact && [[ ! -e $work/s/out/cpu_baseline && ! -e $work/s/out/compare.md && ! -e $work/s/out/report.html ]] && \
   [[ -f $work/s/out/summary.md ]]"

# A sweep into a directory a run wrote replaces the run's files (never a
# user's); a run or a comparison into a sweep's directory is refused before it
# runs, the sweep's results intact (before, each wrote its files beside the
# other's).
sandbox
tiny_sweep
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "a run before the sweep" 0 "$intact && [[ -f $work/s/out/report.json && -f $work/s/out/trace.json ]]"
run sweep "$work/s/sweep.yaml" -o "$work/s/out" -j 2
check_after "a sweep replaces the run's files" 0 \
  "$intact && [[ ! -e $work/s/out/report.json && ! -e $work/s/out/summary.md && ! -e $work/s/out/trace.json ]] && \
   [[ -f $work/s/out/results.jsonl && -f $work/s/out/report.html ]]" \
  "removed what an earlier command wrote there and this one did not: .*report\.json .*summary\.md .*trace\.json"
cp "$work/s/out/results.jsonl" "$work/s/journal.orig"
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "a run into the sweep's directory is refused" 2 \
  "$intact && cmp -s $work/s/out/results.jsonl $work/s/journal.orig && [[ ! -e $work/s/out/report.json ]]" \
  "^-o: error: '.*out' holds a sweep's results .*choose another -o directory"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "so is a comparison" 2 \
  "$intact && cmp -s $work/s/out/results.jsonl $work/s/journal.orig && [[ ! -e $work/s/out/compare.md ]]" \
  "^-o: error: '.*out' holds a sweep's results"

# A sweep that would remove, when done, an earlier run's file that one of its
# workloads reads (a map it scores) stops before it runs, the file intact.
sandbox
run run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml -o "$work/s/out" --mode functional --no-timeline
check_after "a functional run writes its maps" 0 "$intact && [[ -f $work/s/out/edges_0.png ]]"
sed "s|^  file: .*|  file: $work/s/out/edges_0.png|; s|: \.\./|: $src/configs/|; s|: \.\./\.\./|: $src/|" \
  configs/workloads/edge_detect.yaml >"$work/s/scores_map.yaml"
cat >"$work/s/sweep.yaml" <<EOF
name: scores_map
base: $src/configs/arch/mott_cim.yaml
workloads: $work/s/scores_map.yaml
mode: functional
parameters:
  components.tile.crossbar.cell.programming_sigma: [0, 5 %]
EOF
run sweep "$work/s/sweep.yaml" -o "$work/s/out"
check_after "a sweep refuses to remove a map one of its workloads scores" 2 \
  "$intact && [[ -f $work/s/out/edges_0.png && ! -e $work/s/out/results.jsonl ]]" \
  "^-o: error: .*edges_0\.png"
# A cluster sweep's directory (its shards list, before `sweep merge`) is a
# sweep's too.
sandbox
mkdir -p "$work/s/out/slurm"
echo '{}' >"$work/s/out/slurm/shards.json"
run run configs/arch/cpu_baseline.yaml configs/workloads/edge_detect.yaml -o "$work/s/out"
check_after "a run into a cluster sweep's directory is refused" 2 "$intact && [[ ! -e $work/s/out/report.json ]]" \
  "^-o: error: '.*out' holds a sweep's results .*shards\.json"

finish
