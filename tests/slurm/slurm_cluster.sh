#!/usr/bin/env bash
# A sweep on a real Slurm: starts a single-node cluster on this machine (munged,
# slurmctld and slurmd from Debian's munge and slurm-wlm, with a generated
# slurm.conf for this host and its CPUs, in a private directory and on private
# ports), submits a 32-point sweep as an array of 4 with `mottsim sweep
# --slurm`, cancels one task after its first result, resubmits the missing
# shard with --only-missing, merges, and checks that the rows equal a local
# `-j 2` run of the same sweep. Status and merge are checked against counts
# made here from the shards' files, and bad shard directories against their
# located errors. The daemons are stopped at the end. A machine where they
# cannot start fails the test: it is not skipped.
#
# usage: slurm_cluster.sh <mottsim binary> <source dir>
set -uo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 <mottsim binary> <source dir>" >&2
  exit 1
fi
mottsim=$(realpath "$1")
src=$(realpath "$2")
source "$src/tests/e2e/lib/checks.sh"
run_timeout=120

source "$src/tests/slurm/lib/single_node_cluster.sh"
start_cluster || exit 1

# --- the sweep: 4 x 8 = 32 points of VGG-16, long enough to cancel one partway -
cat >"$work/s32.yaml" <<EOF
name: slurm_test
base: $src/configs/arch/adc_cim.yaml
workloads: $src/configs/workloads/vgg16_imagenet.yaml
mode: perf
parameters:
  components.tile.crossbar.rows: [64, 128, 256, 512]
  components.tile.readout[0].bits: {linear: {from: 4, to: 11, step: 1}}
EOF
out_dir=$work/out

run sweep "$work/s32.yaml" -o "$out_dir" --slurm --slurm-array 4
check "submit: a job array of 4" 0 "submitted Slurm job [0-9]+: 4 task\(s\) of 4 shards, 32 points" \
  "mottsim sweep status" "--only-missing" "mottsim sweep merge"
job=$(sed -n 's/^submitted Slurm job \([0-9]*\):.*/\1/p' <<<"$out")

# Cancel task 2 as soon as it has recorded its first point.
for ((i = 0; i < 3000; ++i)); do
  [[ -s $out_dir/shards/2/results.jsonl ]] && break
  sleep 0.05
done
scancel "${job}_2"
wait_for_queue || exit 1

# Brute-force counts straight from the files: done = rows ok or dropped.
count_rows() { grep -cE "\"status\":\"($2)\"" "$out_dir/shards/$1/results.jsonl" 2>/dev/null || true; }
run sweep status "$out_dir"
problems=()
for shard in 1 2 3 4; do
  done_rows=$(count_rows $shard 'ok|dropped')
  missing=$((8 - done_rows))
  grep -Eq "^ +$shard +8 +$done_rows +0 +$missing " <<<"$out" ||
    problems+=("shard $shard: expected 8 points, $done_rows done, $missing missing")
done
[[ $(count_rows 2 'ok|dropped') -lt 8 ]] || problems+=("task 2 finished all 8 points before it was cancelled")
verdict "status after a cancelled task matches the files" "${problems[@]}"

run sweep merge "$out_dir"
check "merge names the incomplete shard" 2 "shards/2/results.jsonl: error: shard 2 lacks [0-9]+ of its 8 points" \
  "--only-missing"

# --- resubmit the missing shard only ------------------------------------------
before=$(count_rows 2 'ok|dropped')
run sweep "$work/s32.yaml" -o "$out_dir" --slurm --only-missing
check "resubmit: one task, shard 2" 0 "submitted Slurm job [0-9]+: 1 task\(s\) of 4 shards"
grep -q '^#SBATCH --array=2$' "$out_dir/slurm/sweep.sbatch"
verdict "the resubmitted array holds shard 2 only" $([[ $? -eq 0 ]] || echo "sweep.sbatch: $(grep array "$out_dir/slurm/sweep.sbatch")")
wait_for_queue || exit 1
problems=()
ids=$(grep -o '"id":"p[0-9]*"' "$out_dir/shards/2/results.jsonl" | sort)
[[ $(sort -u <<<"$ids" | wc -l) -eq $(wc -l <<<"$ids") ]] || problems+=("a point of shard 2 was recorded twice")
[[ $(count_rows 2 'ok|dropped') -eq 8 ]] || problems+=("shard 2 has $(count_rows 2 'ok|dropped') of 8 points")
verdict "nothing done is run twice ($before points were done before the resubmission)" "${problems[@]}"

run sweep "$work/s32.yaml" -o "$out_dir" --slurm --only-missing
check "resubmitting a complete sweep submits nothing" 0 "every shard .* is complete; nothing to resubmit"

run sweep merge "$out_dir"
check "merge of the complete shards" 0 "merged 4 shards, 32 points: 32 ok"
run sweep "$work/s32.yaml" -o "$work/local" -j 2
check "the same sweep locally" 0 "32 points: 32 ok"
cmp -s "$out_dir/results.csv" "$work/local/results.csv"
verdict "the merged rows equal the local run's" $([[ $? -eq 0 ]] || echo "results.csv differs: $(diff "$out_dir/results.csv" "$work/local/results.csv" | head -5)")
for f in results.jsonl pareto.csv sweep.json report.html; do
  [[ -s $out_dir/$f ]]
  verdict "merge wrote $f" $([[ $? -eq 0 ]] || echo "$out_dir/$f is missing")
done

# --- bad shard directories: located errors, exit 2 ----------------------------
cp -r "$out_dir" "$work/torn"
printf '{"id":"p00' >>"$work/torn/shards/3/results.jsonl"
run sweep merge "$work/torn"
check "a torn line is located" 2 "shards/3/results.jsonl:9:1: error: a torn last line"

cp -r "$out_dir" "$work/gone"
rm -rf "$work/gone/shards/4"
run sweep merge "$work/gone"
check "a missing shard is named" 2 "shards/4: error: shard 4 of 4 is missing"

sed 's/name: slurm_test/name: another_sweep/; s/\[64, 128, 256, 512\]/[32, 64, 128, 256]/' "$work/s32.yaml" >"$work/other.yaml"
run sweep "$work/other.yaml" -o "$work/other" --slurm --slurm-array 4 --slurm-print
check "--slurm-print writes the script without submitting" 0 "#SBATCH --array=1-4" "submit it with: sbatch"
cp -r "$out_dir" "$work/mixed"
rm -rf "$work/mixed/shards/1" && cp -r "$work/other/shards/1" "$work/mixed/shards/1"
run sweep merge "$work/mixed"
check "a shard directory of another sweep is refused" 2 "shards/1/shard.json: error: this shard directory belongs to another sweep"

run sweep "$work/s32.yaml" -o "$work/again" --slurm --slurm-time 1h
check "a bad time limit" 2 "--slurm-time: error: '1h' is not a Slurm time limit"
out=$(PATH=/nonexistent "$mottsim" sweep "$work/s32.yaml" -o "$work/nosbatch" --slurm 2>&1)
status=$?
check "no sbatch on PATH" 2 "--slurm: error: sbatch is not on PATH"

finish
