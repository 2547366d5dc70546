#!/usr/bin/env bash
# Inputs that are valid but hostile, and failures of the machine rather than of
# the input: each gives a located error with exit status 2, or a bounded,
# correct answer.
#   - a network of 10^12 weights is refused before it is simulated, with the
#     estimate and the flag that raises the limit;
#   - a sweep of 10^9 points is counted, not expanded;
#   - a sweep point that could not write its output is recorded as `retry` and
#     run again, exactly once, by --resume; a point that failed for a real
#     reason stays failed unless --retry-failed asks;
#   - names that are spreadsheet formulas or markup are made inert in CSV and
#     Markdown;
#   - a file that cannot be read says why.
#
# usage: hostile_inputs.sh <mottsim binary> <source dir>
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
e2e_arguments "$@"

run_timeout=60  # an unbounded run fails rather than hangs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 1. Work is bounded before it starts ------------------------------------

huge=$tmp/huge_linear.yaml
cat >"$huge" <<'EOF'
# Two linear layers of 2^20 inputs and outputs: 2^41 (2.2 x 10^12) weights.
name: huge_linear
input: {height: 1, width: 1, channels: 1048576}
layers:
  - {name: fc1, type: linear, out_features: 1048576, activation: relu}
  - {name: fc2, type: linear, out_features: 1048576}
EOF
run validate "$huge"
check "the 10^12-weight network is a valid workload" 0 "2199023255552 MACs"

for arch in mott_cim adc_cim; do
  run run "configs/arch/$arch.yaml" "$huge" -o "$tmp/out_$arch"
  check "run refuses 10^12 weights on $arch at the workload file, with the estimate" 2 \
    "^$huge: error: 'huge_linear' on $arch would take about [0-9]{10,} TLM transactions \([0-9]+ jobs moving [0-9.]+ [TG]iB\), more than the limit of 10000000; raise it with --max-work N" \
    "^$huge: error: 'huge_linear' on $arch would need about .* of memory .*--max-memory SIZE"
  [[ -e $tmp/out_$arch ]] && verdict "a refused run writes nothing ($arch)" "$tmp/out_$arch exists"
done
# The baselines' 4 GiB DRAM refuses it first; with a DRAM large enough, the
# estimate (exact for them: bursts of 4 KiB) refuses it.
for arch in cpu_baseline systolic_baseline; do
  run run "configs/arch/$arch.yaml" "$huge" -o "$tmp/out_$arch"
  check "run on $arch: the DRAM is too small" 2 "error: workload 'huge_linear' does not fit in the dram"
  run run "configs/arch/$arch.yaml" "$huge" -o "$tmp/out_$arch" --set "components.dram.capacity=8 TiB"
  check "run refuses 10^12 weights on $arch with the estimate" 2 \
    "^$huge: error: 'huge_linear' on $arch would take about [0-9]{9,} TLM transactions .*--max-work N"
done
run compare configs/arch/mott_cim.yaml configs/arch/adc_cim.yaml --workload "$huge" -o "$tmp/compare"
check "compare refuses it for every architecture before running any" 2 \
  "^$huge: error: 'huge_linear' on mott_cim would take" "^$huge: error: 'huge_linear' on adc_cim would take"
[[ -e $tmp/compare ]] && verdict "a refused compare writes nothing" "$tmp/compare exists"

# A price beyond double precision overflows the totals: refused, nothing written
# (it was written as "inf J" in summary.md and null in report.json).
run run configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml -o "$tmp/overflow" \
  --set 'components.tile.crossbar.cell.write_energy=1e308 J'
check "an overflowing figure is bad input" 2 \
  "^configs/arch/adc_cim.yaml: error: the chip's weight programming energy came out as inf"
[[ -e $tmp/overflow ]] && verdict "an overflowing run writes nothing" "$tmp/overflow exists"
run run configs/arch/cpu_baseline.yaml configs/workloads/lenet5_mnist.yaml -o "$tmp/overflow" \
  --set 'components.l2.read_energy=1e308 J'
priced_by_flag="\\(priced as .*--set 'components\\.l2\\.read_energy=1e308 J'.*\\)"
check "an overflowing component is named at its line, with the action and the flag that priced it" 2 \
  "^configs/arch/cpu_baseline.yaml:[0-9]+:[0-9]+: error: component 'l2': its 'read_bytes' energy $priced_by_flag" \
  "came out as inf"

# A DRAM too small for the network is said at the capacity that made it so.
run run configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml -o "$tmp/small_dram" \
  --set 'components.dram.capacity=1 B'
check "a DRAM set too small is refused at its flag" 2 \
  "^--set 'components.dram.capacity=1 B': error: 'lenet5_mnist' needs 123788 bytes of DRAM for activations and weights, more than dram holds \(1 B\)"

# The baselines' estimate is exact: LeNet-5 on cpu_baseline is 74 transactions.
run run configs/arch/cpu_baseline.yaml configs/workloads/lenet5_mnist.yaml -o "$tmp/lenet" --no-timeline --max-work 73
check "--max-work below a run's need refuses it, naming the exact count" 2 \
  "lenet5_mnist.yaml: error: 'lenet5_mnist' on cpu_baseline would take about 74 TLM transactions"
run run configs/arch/cpu_baseline.yaml configs/workloads/lenet5_mnist.yaml -o "$tmp/lenet" --no-timeline --max-work 74
check "--max-work at a run's need lets it run" 0 "74 TLM transactions"
run run configs/arch/cpu_baseline.yaml configs/workloads/lenet5_mnist.yaml -o "$tmp/lenet" --max-work lots \
  --max-memory "2 parsecs"
check "bad limits are errors at their flags" 2 "^--max-work: error: .*'lots'" "^--max-memory: error: .*'2 parsecs'"
run run configs/arch/cpu_baseline.yaml configs/workloads/lenet5_mnist.yaml -o "$tmp/lenet" --max-work 73.5
check "--max-work counts whole transactions (73.5 would read as 73)" 2 "^--max-work: error: expected a whole number"

# ---- 2. Sweep sizes are arithmetic ------------------------------------------

# Nine energies of ten values each on adc_cim: 10^9 points.
giga=$tmp/giga_sweep.yaml
{
  echo "name: giga"
  echo "base: $src/configs/arch/adc_cim.yaml"
  echo "workloads: $src/configs/workloads/lenet5_mnist.yaml"
  echo "max_points: 2000000000"
  echo "parameters:"
  for p in components.noc.energy_per_bit components.dram.energy_per_bit components.controller.energy_per_op \
    components.controller.energy_per_command components.tile.readout[0].energy_per_conversion \
    components.tile.readout[1].energy_per_op components.tile.readout[2].energy_per_op \
    components.tile.crossbar.cell.read_energy components.tile.crossbar.cell.write_energy; do
    echo "  $p: {linear: {from: 1 pJ, to: 10 pJ, count: 10}}"
  done
} >"$giga"
run validate "$giga"
check "validate counts a 10^9-point sweep without expanding it" 0 "^ok: .*giga_sweep.yaml \(sweep 'giga', 1000000000 points\)"
run sweep "$giga" --dry-run
check "--dry-run of a 10^9-point sweep prints its count" 0 \
  "^1000000000 points \(not listed: more than 100000; --shard I/N lists a part\)$"
run sweep "$giga" --dry-run --shard 7/100000
check "--dry-run lists one shard of it" 0 "^p00006  .*adc_cim.yaml  lenet5_mnist  components.noc.energy_per_bit=1 pJ" \
  "^10000 points \(shard 7/100000 of 1000000000\)$"
listed=$(grep -c '^p' <<<"$out")
[[ $listed -eq 10000 ]] || verdict "the shard lists 10000 points" "it lists $listed"
for bad in ' 1/2' '1/2 ' '1 /2' '1/ 2'; do
  run sweep "$giga" --dry-run --shard "$bad"
  check "--shard '$bad' is refused, as --chips refuses a number with spaces around it" 2 \
    "^--shard '.*': error: expected I/N, such as 1/4"
done
run sweep "$giga" --dry-run --shard 0x7/100000
check "--shard takes hex as the numeric flags do" 0 "^10000 points \(shard 7/100000 of 1000000000\)$"
run sweep "$giga" --dry-run --max-memory "1 EiB"
check "--max-memory takes sizes up to exa" 0 "^1000000000 points"
# More shards than points: shard 99 of 100 of a 45-point sweep has none, runs
# nothing and makes no points/ directory, so it does not say it wrote one.
run sweep configs/sweeps/adc_crossbar_x_adc_bits.yaml -o "$tmp/empty_shard" --shard 99/100
check "a shard with no point runs nothing" 0 "^sweep adc_crossbar_x_adc_bits: 0 points: 0 ok" \
  "^wrote .*/empty_shard/results.jsonl, results.csv, pareto.csv, sweep.json and report.html$"
[[ ! -e $tmp/empty_shard/points ]] || verdict "the empty shard makes no points/" "it made $tmp/empty_shard/points"

# ---- 3. Points that could not write their output are retried ---------------

sweep=$tmp/retry.yaml
cat >"$sweep" <<EOF
name: retry
base: $src/configs/arch/cpu_baseline.yaml
workloads: $src/configs/workloads/lenet5_mnist.yaml
parameters:
  components.cpu.clock: [1 GHz, 2 GHz, 3 GHz]
EOF
run sweep "$sweep" -o "$tmp/clean" -j 2
check "a clean sweep" 0 "3 points: 3 ok"

# A file in the way of one point's directory: the runner cannot write its log.
mkdir -p "$tmp/blocked/points"
echo "in the way" >"$tmp/blocked/points/p00001"
run sweep "$sweep" -o "$tmp/blocked" -j 2
check "a point whose directory is blocked is recorded as retry" 1 \
  "3 points: 2 ok, 0 dropped by constraints, 0 failed, 1 could not write their output \(--resume runs them again\)"
grep -q '"id":"p00001".*"status":"retry".*cannot write file: Not a directory' "$tmp/blocked/results.jsonl" ||
  verdict "the retry row says why" "$(cat "$tmp/blocked/results.jsonl")"
rm "$tmp/blocked/points/p00001"
run sweep "$sweep" -o "$tmp/blocked" --resume
check "--resume runs the retry point again" 0 "sweep: p00001 ok \(3/3" "3 points: 3 ok"
runs=$(grep -c '^sweep: p0000' <<<"$out")
[[ $runs -eq 1 ]] || verdict "--resume runs exactly one point" "it ran $runs"
[[ $(grep -c '"id":"p00001"' "$tmp/blocked/results.jsonl") -eq 2 ]] ||
  verdict "p00001 is recorded twice: retry, then its result" "$(cat "$tmp/blocked/results.jsonl")"
cmp -s "$tmp/clean/results.csv" "$tmp/blocked/results.csv" ||
  verdict "the resumed sweep's rows equal a clean run's" "$(diff "$tmp/clean/results.csv" "$tmp/blocked/results.csv")"
run sweep "$sweep" -o "$tmp/blocked" --resume
check "a finished sweep resumed runs nothing" 0 "3 points: 3 ok"
[[ $(grep -c '^sweep: p0000' <<<"$out") -eq 0 ]] || verdict "nothing runs again" "$out"

# The run itself cannot write its report (a directory where report.json goes).
mkdir -p "$tmp/run_blocked/points/p00002/report.json/x"
run sweep "$sweep" -o "$tmp/run_blocked" -j 2
check "a run that cannot write its report is recorded as retry" 1 "1 could not write their output"
grep -q '"id":"p00002".*"status":"retry".*report.json: error: cannot write file: ' "$tmp/run_blocked/results.jsonl" ||
  verdict "the run's retry row carries its located error" "$(cat "$tmp/run_blocked/results.jsonl")"
rm -r "$tmp/run_blocked/points/p00002/report.json"
run sweep "$sweep" -o "$tmp/run_blocked" --resume
check "--resume runs it again" 0 "sweep: p00002 ok" "3 points: 3 ok"
cmp -s "$tmp/clean/results.csv" "$tmp/run_blocked/results.csv" ||
  verdict "its rows equal a clean run's" "$(diff "$tmp/clean/results.csv" "$tmp/run_blocked/results.csv")"

# A point that fails for a real reason (a DRAM too small for LeNet-5) stays
# failed when resumed, unless --retry-failed asks for it.
cat >"$tmp/failing.yaml" <<EOF
name: failing
base: $src/configs/arch/cpu_baseline.yaml
workloads: $src/configs/workloads/lenet5_mnist.yaml
parameters:
  components.dram.capacity: [4 GiB, 1 KiB]
EOF
run sweep "$tmp/failing.yaml" -o "$tmp/failing"
check "a point whose input is wrong fails" 1 "2 points: 1 ok, 0 dropped by constraints, 1 failed$"
run sweep "$tmp/failing.yaml" -o "$tmp/failing" --resume
check "--resume leaves a failed point alone" 1 "1 failed"
[[ $(grep -c '^sweep: p0000' <<<"$out") -eq 0 ]] || verdict "resume reruns no failed point" "$out"
run sweep "$tmp/failing.yaml" -o "$tmp/failing" --retry-failed
check "--retry-failed needs --resume" 2 "^--retry-failed: error: "
run sweep "$tmp/failing.yaml" -o "$tmp/failing" --resume --retry-failed
check "--resume --retry-failed runs it again" 1 "sweep: p00001 failed" "1 failed"
[[ $(grep -c '"id":"p00001"' "$tmp/failing/results.jsonl") -eq 2 ]] ||
  verdict "the failed point is recorded again" "$(cat "$tmp/failing/results.jsonl")"

# Results made from other inputs are never continued: an edited base (or a
# file it extends), or another seed, stops --resume before anything runs; a
# constraint edited in the sweep file does not (rows are judged again).
mkdir -p "$tmp/edited"
printf 'name: parent\nextends: %s/configs/arch/cpu_baseline.yaml\n' "$src" >"$tmp/edited/parent.yaml"
printf 'name: child\nextends: parent.yaml\n' >"$tmp/edited/child.yaml"
printf 'name: edited\nbase: %s\nworkloads: %s\nparameters:\n  components.cpu.clock: [1 GHz, 2 GHz]\n' \
  "$tmp/edited/child.yaml" "$src/configs/workloads/lenet5_mnist.yaml" >"$tmp/edited/sweep.yaml"
run sweep "$tmp/edited/sweep.yaml" -o "$tmp/edited/out"
check "a sweep over an architecture that extends another" 0 "2 points: 2 ok"
head -n 1 "$tmp/edited/out/results.jsonl" >"$tmp/edited/one" && mv "$tmp/edited/one" "$tmp/edited/out/results.jsonl"
cp "$tmp/edited/out/results.jsonl" "$tmp/edited/journal.orig"
printf 'components:\n  l2:\n    capacity: 2 MiB\n' >>"$tmp/edited/parent.yaml"
run sweep "$tmp/edited/sweep.yaml" -o "$tmp/edited/out" --resume
check "--resume refuses results made before the file the base extends was edited" 2 \
  "results\.jsonl: error: these results were recorded from other inputs .*parent\.yaml \(edited\)"
cmp -s "$tmp/edited/out/results.jsonl" "$tmp/edited/journal.orig" ||
  verdict "the refused journal is untouched" "$(cat "$tmp/edited/out/results.jsonl")"
printf 'name: parent\nextends: %s/configs/arch/cpu_baseline.yaml\n' "$src" >"$tmp/edited/parent.yaml"
printf 'seed: 7\n' >>"$tmp/edited/sweep.yaml"
run sweep "$tmp/edited/sweep.yaml" -o "$tmp/edited/out" --resume
check "--resume refuses results made with another seed" 2 "other inputs .*seed 1 -> 7"
sed -i '/^seed: 7$/d' "$tmp/edited/sweep.yaml"
printf 'constraints:\n  - latency_s < 1\n' >>"$tmp/edited/sweep.yaml"
run sweep "$tmp/edited/sweep.yaml" -o "$tmp/edited/out" --resume
check "--resume continues under an edited constraint, with the same inputs" 0 "2 points: 2 ok"
rm "$tmp/edited/out/sweep_inputs.json"
run sweep "$tmp/edited/sweep.yaml" -o "$tmp/edited/out" --resume
check "--resume refuses results whose record of inputs is gone" 2 "sweep_inputs\.json: error: is missing"

# A file that a swept value names (a technology library in a `tech` axis) is
# recorded too, and so is the build of mottsim that made the results.
mkdir -p "$tmp/swept_tech"
cp "$src/configs/tech/digital.yaml" "$tmp/swept_tech/digital2.yaml"
printf 'name: swept_tech\nbase: %s\nworkloads: %s\nparameters:\n  tech[2]: [%s, %s]\n' \
  "$src/configs/arch/cpu_baseline.yaml" "$src/configs/workloads/lenet5_mnist.yaml" \
  "$src/configs/tech/digital.yaml" "$tmp/swept_tech/digital2.yaml" >"$tmp/swept_tech/s.yaml"
run sweep "$tmp/swept_tech/s.yaml" -o "$tmp/swept_tech/out"
check "a sweep over technology libraries" 0 "2 points: 2 ok"
head -n 1 "$tmp/swept_tech/out/results.jsonl" >"$tmp/swept_tech/one"
mv "$tmp/swept_tech/one" "$tmp/swept_tech/out/results.jsonl"
printf '# edited\n' >>"$tmp/swept_tech/digital2.yaml"
run sweep "$tmp/swept_tech/s.yaml" -o "$tmp/swept_tech/out" --resume
check "--resume refuses results made before a swept technology library was edited" 2 \
  "other inputs .*digital2\.yaml \(edited\)"
cp "$src/configs/tech/digital.yaml" "$tmp/swept_tech/digital2.yaml"
record="$tmp/swept_tech/out/sweep_inputs.json"
if ! "$mottsim" --version | grep -q "revision unknown"; then  # a build outside a git checkout compares none
  sed -i 's/"revision": "[^"]*"/"revision": "0123456789ab"/' "$record"
  run sweep "$tmp/swept_tech/s.yaml" -o "$tmp/swept_tech/out" --resume
  check "--resume refuses results made by another build of mottsim" 2 \
    "other inputs .*source revision \"0123456789ab\" here, \"[^\"]+\" in this build.*two builds of mottsim"
fi
sed -i 's/"revision": "[^"]*"/"revision": "unknown"/' "$record"
run sweep "$tmp/swept_tech/s.yaml" -o "$tmp/swept_tech/out" --resume
check "--resume continues results whose build is unknown (built outside a git checkout)" 0 "2 points: 2 ok"

# Resumed from another directory, the rows' paths are written otherwise: the
# error says so rather than blaming another sweep.
mkdir -p "$tmp/moved"
printf 'name: cpu2\nextends: %s/configs/arch/cpu_baseline.yaml\n' "$src" >"$tmp/moved/cpu.yaml"
printf 'name: moved\nbase: cpu.yaml\nworkloads: %s\nparameters:\n  components.cpu.clock: [1 GHz]\n' \
  "$src/configs/workloads/lenet5_mnist.yaml" >"$tmp/moved/s.yaml"
out=$(cd "$tmp" && "$mottsim" sweep moved/s.yaml -o "$tmp/moved/out" 2>&1)
status=$?
check "a sweep given by a relative path" 0 "1 points: 1 ok"
out=$(cd "$tmp/moved" && "$mottsim" sweep s.yaml -o "$tmp/moved/out" --resume 2>&1)
status=$?
check "resumed from another directory: the path's spelling is named" 2 \
  "recorded with its architecture written 'moved/cpu\.yaml', and this sweep writes it 'cpu\.yaml'"

# schedule: pipeline goes to every point's run; a processor base is refused
# before anything runs (it has no layer stages to stream through).
printf 'name: piped\nbase: %s\nworkloads: %s\nschedule: pipeline\nparameters:\n  %s: [64, 128]\n' \
  "$src/tests/sim/configs/small_adc.yaml" "$src/tests/sim/configs/conv3x3_8x8.yaml" components.tile.crossbar.rows \
  >"$tmp/piped.yaml"
run sweep "$tmp/piped.yaml" -o "$tmp/piped"
check "a pipelined sweep" 0 "2 points: 2 ok"
grep -q '"schedule": "pipeline"' "$tmp/piped/points/p00001/report.json" ||
  verdict "each point ran the pipeline schedule" "$(grep -m1 '"schedule"' "$tmp/piped/points/p00001/report.json")"
sed "s|^base: .*|base: $src/configs/arch/cpu_baseline.yaml|; s|components.tile.crossbar.rows|components.cpu.clock|; \
s|\[64, 128\]|[1 GHz]|" "$tmp/piped.yaml" >"$tmp/piped_cpu.yaml"
run sweep "$tmp/piped_cpu.yaml" --dry-run
check "a processor base refuses schedule: pipeline" 2 "piped_cpu\.yaml:2:7: error: 'schedule: pipeline' streams"

# ---- 4. CSV and Markdown make hostile names inert ---------------------------

cp configs/workloads/lenet5_mnist.yaml "$tmp/evil.yaml"
sed -i 's/^name: lenet5_mnist$/name: "=HYPERLINK(\\"http:\/\/example.invalid\\",\\"x\\")|<script>`x`"/' "$tmp/evil.yaml"
sed -i "s|^weights_file: .*||" "$tmp/evil.yaml"
cat >"$tmp/evil_sweep.yaml" <<EOF
name: evil
base: $src/configs/arch/cpu_baseline.yaml
workloads: $tmp/evil.yaml
parameters:
  components.cpu.clock: [2 GHz]
EOF
run sweep "$tmp/evil_sweep.yaml" -o "$tmp/evil_sweep"
check "a sweep of a workload named like a formula runs" 0 "1 points: 1 ok"
grep -q ',"'"'"'=HYPERLINK(""http://example.invalid"",""x"")|<script>`x`",' "$tmp/evil_sweep/results.csv" ||
  verdict "results.csv neutralises the formula" "$(cat "$tmp/evil_sweep/results.csv")"
run run configs/arch/cpu_baseline.yaml "$tmp/evil.yaml" -o "$tmp/evil_run" --no-timeline
check "a run of it" 0
# The terminal shows the name as written: Markdown's escapes are for the file.
check "the terminal shows the name without Markdown escapes" 0 \
  '^# =HYPERLINK\("http://example.invalid","x"\)\|<script>`x` on cpu_baseline$'
head -1 "$tmp/evil_run/summary.md" | grep -qF '# =HYPERLINK("http://example.invalid","x")\|&lt;script&gt;\`x\` on cpu_baseline' ||
  verdict "summary.md escapes the name" "$(head -1 "$tmp/evil_run/summary.md")"

# ---- 5. I/O errors say why ---------------------------------------------------

run validate "$tmp/none.yaml"
check "a missing file says why" 2 "^$tmp/none.yaml: error: cannot open file: No such file or directory$"
run run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml -o "$tmp/img" --mode functional \
  --image "$tmp/none.png"
check "a missing image says why" 2 "^$tmp/none.png: error: cannot open image: No such file or directory$"
mkdir -p "$tmp/weights_dir"
sed "s|^weights_file: .*|weights_file: $tmp/weights_dir|" configs/workloads/lenet5_mnist.yaml >"$tmp/lenet_dir.yaml"
run run configs/arch/mott_cim.yaml "$tmp/lenet_dir.yaml" -o "$tmp/wd" --mode functional
check "a weights file that is a directory says why" 2 "^$tmp/weights_dir: error: cannot open weights file: it is a directory, not a regular file$"

finish
