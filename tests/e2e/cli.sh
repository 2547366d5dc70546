#!/usr/bin/env bash
# The command line as a user meets it: exit statuses, help, and what validate,
# list and describe print.
#
# usage: cli.sh <mottsim binary> <source dir>
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
e2e_arguments "$@"

# The version CMake bakes in, so the check follows the project's version.
version=$(sed -n 's/^project(mottsim VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ -n $version ]] || version="[0-9]+\.[0-9]+\.[0-9]+"

run --version
# ... and the source revision it was built from (git describe, or unknown).
hash="([0-9a-f]{7,}|[^ ]+-g[0-9a-f]+)(-dirty-[0-9a-f]{8})?"
check "--version" 0 "^mottsim ${version//./\\.} \(revision ($hash|unknown)\)\$"

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

# An empty value (a script's unset variable) is refused at its flag, never
# taken as the flag left out: before, --max-work '' ran with the default limit
# and --image '' scored the workload's own image.
e2e_tmp=$(mktemp -d)
empty_runs=(
  "--max-work|run configs/arch/adc_cim.yaml configs/workloads/edge_detect.yaml -o $e2e_tmp/empty --max-work"
  "--max-memory|run configs/arch/adc_cim.yaml configs/workloads/edge_detect.yaml -o $e2e_tmp/empty --max-memory"
  "--image|run configs/arch/adc_cim.yaml configs/workloads/edge_detect.yaml -o $e2e_tmp/empty --mode functional --image"
  "--output|run configs/arch/adc_cim.yaml configs/workloads/edge_detect.yaml -o"
  "--max-file-size|validate configs/arch/adc_cim.yaml --max-file-size"
  "--workload|compare configs/arch/adc_cim.yaml configs/arch/mott_cim.yaml -o $e2e_tmp/empty -w"
  "--shard|sweep configs/sweeps/mott_heater_scale.yaml -o $e2e_tmp/empty --shard"
)
for entry in "${empty_runs[@]}"; do
  flag=${entry%%|*}
  read -ra words <<<"${entry#*|}"
  run "${words[@]}" ""
  check "an empty $flag is refused" 2 "^$flag: error: the value is empty"
  [[ ! -e $e2e_tmp/empty ]] || verdict "an empty $flag writes nothing" "$e2e_tmp/empty exists"
  rm -rf "$e2e_tmp/empty"
done
# Nor is a value of spaces alone: -o ' ' made a directory named by them.
(cd "$e2e_tmp" && "$mottsim" run "$src/configs/arch/cpu_baseline.yaml" "$src/configs/workloads/edge_detect.yaml" \
  -o '  ' >"$e2e_tmp/out.txt" 2>&1)
status=$?
out=$(cat "$e2e_tmp/out.txt")
check "an -o of spaces alone is refused" 2 "^--output: error: the value is only white space"
[[ ! -e "$e2e_tmp/  " ]] || verdict "an -o of spaces alone writes nothing" "a directory named '  ' was made"
rm -rf "$e2e_tmp"

run describe
check "describe without a file" 2 "required"

# A derived file that lists a base's library again: describe reads it once, and
# also shows the list as --set tech[i] indexes it, the repeat included.
again=$(mktemp -d)
printf 'extends: %s/configs/arch/adc_cim.yaml\nname: again\ntech: [%s/configs/tech/synapses.yaml]\n' "$src" "$src" \
  >"$again/again.yaml"
run describe "$again/again.yaml"
check "describe shows the tech list as --set indexes it" 0 \
  "tech list as --set tech\[i\] indexes it: \[0\] .*memories\.yaml .*\[3\] .*synapses\.yaml .*\[5\] .*synapses\.yaml$"
run describe configs/arch/adc_cim.yaml
check "describe leaves it out when the two lists agree" 0 "technology libraries:"
grep -q "tech list as" <<<"$out" && verdict "describe leaves it out when the two lists agree" "it printed it"
rm -rf "$again"

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

# A workload's weights file is read as a run reads it: a corrupt one is an
# error at the file, an absent one (not fetched) is said, the shipped one read.
weights_dir=$(mktemp -d)
printf '{"conv1": NaN}' > "$weights_dir/bad.json"
sed "s#^weights_file: .*#weights_file: $weights_dir/bad.json#" configs/workloads/lenet5_mnist.yaml > "$weights_dir/bad.yaml"
sed "s#^weights_file: .*#weights_file: $weights_dir/none.json#" configs/workloads/lenet5_mnist.yaml > "$weights_dir/absent.yaml"
run validate configs/workloads/lenet5_mnist.yaml "$weights_dir/bad.yaml" "$weights_dir/absent.yaml"
check "validate reads a workload's weights file" 2 "lenet5_mnist\.yaml .*; weights read\)" \
  "^$weights_dir/bad\.json:1:[0-9]+: error: corrupt weights file" "none\.json is absent\)"
rm -rf "$weights_dir"

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

# Hostile input: every one is a located error with status 2, never a crash,
# a hang or an endless expansion.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The CIM chips' mesh: its 12 routers take 48 IMAs each on adc_cim, and the
# global buffer's banks must give every router as many.
run run configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml -o "$scratch/sliced" \
  --set components.global_buffer.count=50
check "a sliced buffer whose banks do not divide among the routers" 2 \
  "^configs/arch/cim_base\.yaml:[0-9]+:[0-9]+: error: component 'global_buffer' on 'noc': .*a multiple of 12\)$"
if [[ -e $scratch/sliced ]]; then verdict "a refused run leaves no output directory" "$scratch/sliced exists"
else verdict "a refused run leaves no output directory"; fi
# One key set twice is an error; in compare, one architecture's own value
# replaces the value every architecture gets.
run validate --set components.tile.count=2 --set 'components.tile[count]=3' configs/arch/adc_cim.yaml
check "a key set twice" 2 "^--set 'components\.tile\[count\]=3': error: sets the same key as --set 'components\.tile\.count=2'"
run compare configs/arch/cpu_baseline.yaml configs/arch/adc_cim.yaml --workload configs/workloads/lenet5_mnist.yaml \
  -o "$scratch/specific" --set 'components.dram.bandwidth=10 GB/s' --set 'cpu_baseline:components.dram.bandwidth=25.6 GB/s'
check "compare: NAME:key replaces the plain key for NAME" 0 "^wrote .*compare\.json"
run compare configs/arch/adc_cim.yaml configs/arch/mott_cim.yaml --workload configs/workloads/lenet5_mnist.yaml \
  -o "$scratch/own_map" --set 'adc_cim:components.tile.crossbar={rows: 512, columns: 128}' \
  --set 'components.tile.crossbar.rows=64'
check "compare: NAME:'s whole value replaces a plain flag of a key inside it, in either order" 0 "^wrote .*compare\.json"
grep -q '"components.tile.crossbar={rows: 512, columns: 128}"' "$scratch/own_map/adc_cim/report.json" &&
  ! grep -q '"components.tile.crossbar.rows=64"' "$scratch/own_map/adc_cim/report.json" &&
  grep -q '"components.tile.crossbar.rows=64"' "$scratch/own_map/mott_cim/report.json" &&
  verdict "adc_cim ran with its own crossbar, mott_cim with the plain rows" ||
  verdict "adc_cim ran with its own crossbar, mott_cim with the plain rows" "the overrides went elsewhere"
run compare configs/arch/cpu_baseline.yaml --workload configs/workloads/lenet5_mnist.yaml -o "$scratch/named_twice" \
  --set 'cpu_baseline:components.dram.bandwidth=1 GB/s' --set 'cpu_baseline:components.dram[bandwidth]=2 GB/s'
check "compare: one architecture's key set twice names both flags as written" 2 \
  "sets the same key as --set 'cpu_baseline:components\.dram\.bandwidth=1 GB/s'"
grep -q '25.6 GB/s' "$scratch/specific/cpu_baseline/report.json" && ! grep -q '"10 GB/s' "$scratch/specific/cpu_baseline/report.json" &&
  grep -q '10 GB/s' "$scratch/specific/adc_cim/report.json" && verdict "each architecture ran with its own bandwidth" ||
  verdict "each architecture ran with its own bandwidth" "cpu_baseline or adc_cim has the other's value"

run run configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml -o "$scratch/crowded" \
  --set components.tile.count=600
check "more tiles than the mesh has room for" 2 \
  "^configs/arch/adc_cim\.yaml:[0-9]+:[0-9]+: error: component 'tile' on 'noc': .*room for 576; raise columns, rows or concentration$"

run validate --set 'components.tile.crossbar=&x {a: *x}' configs/arch/adc_cim.yaml
check "--set value whose alias contains itself" 2 \
  "^--set 'components\.tile\.crossbar=&x \{a: \*x\}': error: value: alias '\*x' refers to a map that contains it"

run validate --set 'components.tile.readout[18446744073709551616].bits=6' configs/arch/adc_cim.yaml
check "--set with a list index beyond 64 bits" 2 \
  "^--set 'components\.tile\.readout\[18446744073709551616\]\.bits=6': error: 'components\.tile\.readout\.18446744073709551616': the list has 3 items"

run validate --set "components.tile.arrays$(printf '.a%.0s' {1..300})=1" configs/arch/adc_cim.yaml
check "--set with a path nested past the limit" 2 "error: the path has 303 keys, more than 256 levels of nesting"

run validate --set 'components.tile.crossbar.read_pulse=1e308 s' configs/arch/mott_cim.yaml
check "--set a time SystemC cannot hold" 2 \
  "^--set 'components\.tile\.crossbar\.read_pulse=1e308 s': error: .*'read_pulse': '1e308 s' is longer than mottsim can simulate: SystemC holds times below 9\.22337e\+06 s"

run validate --set 'components.tile.crossbar.read_pulse=9223372 s' configs/arch/mott_cim.yaml
check "--set the longest time SystemC holds" 0 "^ok: configs/arch/mott_cim\.yaml"

# A time that fits on its own but not summed over the run: refused when the
# simulated time would pass the bound, located at the flag, with no report.
run run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml -o "$scratch/long" --no-timeline \
  --set 'components.tile.crossbar.read_pulse=1e5 s'
check "run whose simulated time passes what SystemC holds" 2 \
  "^--set 'components\.tile\.crossbar\.read_pulse=1e5 s': error: component 'tile': simulated time runs past what SystemC holds .*slowest setting is 'crossbar\.read_pulse' = 100000 s"
[[ ! -e $scratch/long/report.json ]] || { failed=$((failed + 1)); echo "FAIL a run that overflowed wrote report.json"; }
# A rate is a duration too: a DRAM of 1e-6 B/s takes 10^6 s a byte, and the
# error names it at its flag, not the DRAM's 90 ns latency in a technology file.
run run configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml -o "$scratch/slow" --no-timeline \
  --set 'components.dram.bandwidth=1e-6 B/s'
check "run whose slow bandwidth passes what SystemC holds" 2 \
  "^--set 'components\.dram\.bandwidth=1e-6 B/s': error: component 'dram': simulated time runs past what SystemC holds .*slowest setting is 'bandwidth' = 1e-06 B/s \(1e\+06 s a byte\)"

run validate /dev/zero
check "validate /dev/zero" 2 "^/dev/zero: error: cannot open file: it is a character device, not a regular file"

mkfifo "$scratch/pipe.yaml"
run validate "$scratch/pipe.yaml"
check "validate a FIFO" 2 "pipe\.yaml: error: cannot open file: it is a FIFO \(named pipe\), not a regular file"

run validate configs
check "validate a directory" 2 "^configs: error: cannot open file: it is a directory, not a regular file"

run --max-file-size 1KiB validate configs/arch/adc_cim.yaml
check "a file over --max-file-size" 2 \
  "^configs/arch/adc_cim\.yaml: error: the file is .* larger than the --max-file-size limit of 1 KiB; raise it with --max-file-size SIZE, such as --max-file-size '[0-9]+ KiB'\$"

run validate configs/arch/adc_cim.yaml --max-file-size '1 MiB'
check "--max-file-size after the command" 0 "^ok: configs/arch/adc_cim\.yaml"
# An ONNX model over it: the error gives a limit that would take it, as for any file.
run --max-file-size 1KiB validate data/onnx/lenet5.onnx
raise="raise it, such as --max-file-size '[0-9]+ KiB'"
check "an ONNX model over --max-file-size" 2 \
  "^data/onnx/lenet5\.onnx: error: the ONNX model is [0-9]+ bytes, more than the limit of 1024 " \
  "\(--max-file-size\); $raise\$"

run --max-file-size 'ten' validate configs/arch/adc_cim.yaml
check "--max-file-size that is not a size" 2 "^--max-file-size: error: "

MOTTSIM_MAX_FILE_SIZE=100 run validate configs/arch/adc_cim.yaml
check "a limit inherited from a parent command" 2 "larger than the --max-file-size limit of 100 B"

# Functional mode carries 1 to 30 bits; the loader's 1 to 32 fit perf mode.
cat >"$scratch/wide.yaml" <<'EOF'
name: wide
input: {height: 8, width: 8, channels: 1}
precision: {weights: 31, activations: 32}
layers:
  - {name: conv1, type: conv2d, out_channels: 2, kernel: 3, padding: 1}
EOF
run run configs/arch/mott_cim.yaml "$scratch/wide.yaml" -o "$scratch/wide" --mode functional --no-timeline
check "functional mode with 31-bit weights and 32-bit activations" 2 \
  "wide\.yaml:3:22: error: workload 'wide': functional mode carries weights of 1 to 30 bits, not 31" \
  "wide\.yaml:3:39: error: workload 'wide': functional mode carries activations of 1 to 30 bits, not 32"
run run configs/arch/mott_cim.yaml "$scratch/wide.yaml" -o "$scratch/wide_perf" --no-timeline
check "perf mode with the same precision" 0 "wrote"

# A component a derived architecture removes with a null: a run that needs it
# says so at that key, not at the file alone.
mkdir -p "$scratch/arch"
cp configs/arch/cim_base.yaml "$scratch/arch/"
ln -s "$src/configs/tech" "$scratch/tech"
sed 's/^components:$/components:\n  dram: null/' configs/arch/adc_cim.yaml >"$scratch/arch/no_dram.yaml"
sed 's/^components:$/components:\n  controller: ~/' configs/arch/adc_cim.yaml >"$scratch/arch/no_controller.yaml"
run run "$scratch/arch/no_dram.yaml" configs/workloads/lenet5_mnist.yaml -o "$scratch/no_dram" --no-timeline
check "a run without the dram a null removed" 2 \
  "no_dram\.yaml:13:3: error: architecture 'adc_cim' needs a dram component .*; the null given to 'dram' here removed"
run run "$scratch/arch/no_controller.yaml" configs/workloads/lenet5_mnist.yaml -o "$scratch/no_ctl" --no-timeline
check "a run without the controller a null removed" 2 \
  "no_controller\.yaml:13:3: error: architecture 'adc_cim' has no controller component .*'controller' here removed"
# validate finds both too, with no workload (it said "ok" before).
run validate "$scratch/arch/no_dram.yaml"
check "validate without the dram" 2 "no_dram\.yaml:13:3: error: architecture 'adc_cim' needs a dram component"
run validate "$scratch/arch/no_controller.yaml"
check "validate without the controller" 2 "no_controller\.yaml:13:3: error: architecture 'adc_cim' has no controller"
run validate configs/arch/cim_base.yaml
check "validate says a base architecture is not a chip to run" 0 "ok: .*cim_base.*a base for others to extend"

# A baseline's cache or DRAM a null removed: the run says so at the null, not
# at the shipped file that names it.
printf 'extends: %s/configs/arch/cpu_baseline.yaml\nname: no_l1\ncomponents:\n  l1: null\n' "$src" \
  >"$scratch/arch/no_l1.yaml"
run run "$scratch/arch/no_l1.yaml" configs/workloads/edge_detect.yaml -o "$scratch/no_l1" --no-timeline
check "a run without the L1 a null removed" 2 \
  "no_l1\.yaml:4:3: error: cpu\.l1 names 'l1', which the null given to 'l1' here removed from no_l1"
printf 'extends: %s/configs/arch/systolic_baseline.yaml\nname: no_dram\ncomponents:\n  dram: null\n' "$src" \
  >"$scratch/arch/array_no_dram.yaml"
run run "$scratch/arch/array_no_dram.yaml" configs/workloads/edge_detect.yaml -o "$scratch/array_no_dram" --no-timeline
check "a systolic run without the dram a null removed" 2 \
  "array_no_dram\.yaml:4:3: error: array needs a dram component .*the null given to 'dram' here removed"

# validate says so too, with no workload, and so do validate and --dry-run of a
# sweep over it (every point's run failed alike before).
run validate "$scratch/arch/no_l1.yaml"
check "validate a baseline without the L1 a null removed" 2 "no_l1\.yaml:4:3: error: cpu\.l1 names 'l1'"
run validate "$scratch/arch/array_no_dram.yaml"
check "validate a systolic baseline without its dram" 2 "array_no_dram\.yaml:4:3: error: array needs a dram"
printf 'name: over_no_l1\nbase: %s\nworkloads: %s/configs/workloads/edge_detect.yaml\nparameters:\n  components.dram.latency: [90 ns, 100 ns]\n' \
  "$scratch/arch/no_l1.yaml" "$src" >"$scratch/over_no_l1.yaml"
run sweep "$scratch/over_no_l1.yaml" -o "$scratch/over_no_l1" --dry-run
check "a sweep over it is refused before any point" 2 "no_l1\.yaml:4:3: error: cpu\.l1 names 'l1'"

# A mistyped command line is a located error as any bad input is.
run compare configs/arch/cpu_baseline.yaml -w configs/workloads/lenet5_mnist.yaml -o "$scratch/cl" --image x.png
check "an option the command does not have" 2 \
  "^--image: error: not an option or argument of 'mottsim compare'; 'mottsim compare --help' lists the options\$"
run compare configs/arch/cpu_baseline.yaml -o "$scratch/cl"
check "a required option left out" 2 "^--workload: error: is required; 'mottsim compare --help' lists the options\$"
run run configs/arch/cpu_baseline.yaml configs/workloads/lenet5_mnist.yaml -o "$scratch/cl" --mode bogus
check "a value not among the choices" 2 "^--mode: error: bogus not in \{perf,functional\}; 'mottsim run --help'"
[[ ! -e $scratch/cl ]] || verdict "a refused command line writes nothing" "it wrote $scratch/cl"

finish
