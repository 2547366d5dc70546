#!/usr/bin/env bash
# A depthwise convolution placed on the controller's vector unit (`placement:
# digital`) against the same layer on crossbars, on adc_cim, in perf mode:
#  - digital: the controller counts 8 x 8 x 16 x 9 = 9,216 MACs at 2
#    operations, 1,024 bias adds and 2 operations per output for ReLU6
#    (2,048): 21,504 vector operations, priced at its energy_per_vector_op
#    each; the layer's `ran_on` says where it ran, and it holds no crossbar.
#  - crossbars: 16 crossbars (one per group), their utilization below 1 %, and
#    only the ReLU6 (2,048 operations) on the vector unit.
# usage: digital_placement.sh <mottsim binary> <source dir>
set -uo pipefail
mottsim=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
layer='  - {name: dw, type: conv2d, out_channels: 16, kernel: 3, padding: 1, groups: 16, activation: relu6'
printf 'input: {height: 8, width: 8, channels: 16}\nlayers:\n%s}\n' "$layer" >"$tmp/crossbar.yaml"
printf 'input: {height: 8, width: 8, channels: 16}\nlayers:\n%s, placement: digital}\n' "$layer" >"$tmp/digital.yaml"
for p in crossbar digital; do
  "$mottsim" run configs/arch/adc_cim.yaml "$tmp/$p.yaml" --no-timeline -o "$tmp/$p" >"$tmp/$p.log" 2>&1 ||
    { cat "$tmp/$p.log"; exit 1; }
done
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
def load(p):
    return json.load(open(f"{tmp}/{p}/report.json"))
def vector_ops(r):
    for c in r["components"]:
        if c["type"] == "controller":
            a = c["actions"].get("vector_op", {"count": 0, "energy_j": 0, "energy_per_action_j": 0})
            return a["count"], a["energy_j"], a["energy_per_action_j"]
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("FAIL:", what)
        ok = False
d, x = load("digital"), load("crossbar")
count, energy, per = vector_ops(d)
check(count == 9216 * 2 + 1024 + 2048, f"digital: {count} vector operations, by hand 21504")
check(per > 0 and abs(energy - count * per) <= 1e-9 * energy, f"digital: vector energy {energy} J is not {count} x {per} J")
layer = d["layers"][0]
check(layer["crossbars"] == 0 and layer["ran_on"].startswith("the controller's vector unit (9216 MACs"), f"digital: {layer}")
count, energy, per = vector_ops(x)
check(count == 2048, f"crossbars: {count} vector operations (the ReLU6 alone), by hand 2048")
layer = x["layers"][0]
check(layer["crossbars"] == 16 and 0 < layer["utilization"] < 0.01 and "depthwise" in layer["ran_on"],
      f"crossbars: {layer}")
print("digital placement: 21504 vector operations priced at", per, "J each; on crossbars: utilization",
      x["layers"][0]["utilization"])
sys.exit(0 if ok else 1)
PY
