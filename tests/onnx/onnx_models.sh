#!/usr/bin/env bash
# ONNX import of the models `make models` exports into data/onnx/:
#  1. For every model (the CNNs and ViT-B/16), the MACs and weights of `mottsim import`
#     equal those PyTorch's forward hooks counted (NAME.counts.json), and a
#     perf run straight from the .onnx file reports the same MACs.
#  2. ResNet-18 and ResNet-50 match their published counts (He et al. 2016:
#     1.8 and 3.8 GFLOPs as multiply-adds; torchvision's 1.82 and 4.1 G).
#  3. mottsim's own LeNet-5 exported to ONNX gives, in functional mode on one
#     chip, the very top-1 of the YAML LeNet-5: same weights, same digits.
#  4. MobileNetV2, EfficientNet-B0 and ViT-B/16 run in perf mode on every
#     shipped architecture and report the hooks' MACs.
# Missing models are a failure ("make models" makes them), never a skip.
# usage: onnx_models.sh <mottsim binary> <source dir>
set -uo pipefail
mottsim=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
json_int() { grep -o "\"$2\": *[0-9]*" "$1" | head -1 | grep -o '[0-9]*$'; }

for m in lenet5 resnet18 resnet50 vgg16 mobilenet_v2 efficientnet_b0 vit_b_16; do
  model=data/onnx/$m.onnx
  if [[ ! -s $model || ! -s data/onnx/$m.counts.json ]]; then
    fail "$model or its counts are missing: run 'make models'"
    continue
  fi
  want_macs=$(json_int "data/onnx/$m.counts.json" macs)
  want_weights=$(json_int "data/onnx/$m.counts.json" weights)
  if ! out=$("$mottsim" import "$model" -o "$tmp/$m.yaml" 2>&1); then
    fail "import $model: $out"
    continue
  fi
  got=$(grep -o '[0-9]* MACs and [0-9]* weights' <<<"$out")
  [[ $got == "$want_macs MACs and $want_weights weights" ]] ||
    fail "$m: import counted '$got', the forward hooks $want_macs MACs and $want_weights weights"
  if ! "$mottsim" run configs/arch/adc_cim.yaml "$model" -o "$tmp/run-$m" >"$tmp/run-$m.log" 2>&1; then
    fail "perf run of $model:"; cat "$tmp/run-$m.log"
    continue
  fi
  run_macs=$(json_int "$tmp/run-$m/report.json" macs)
  [[ $run_macs == "$want_macs" ]] || fail "$m: the perf run reports $run_macs MACs, the hooks $want_macs"
  echo "$m: $want_macs MACs, $want_weights weights: import and perf run agree with the forward hooks"
done

# Published counts (multiply-adds per 224x224 image).
check_published() {  # name low high
  local macs
  macs=$(json_int "data/onnx/$1.counts.json" macs 2>/dev/null)
  [[ -n $macs ]] && awk -v m="$macs" -v lo="$2" -v hi="$3" 'BEGIN { exit !(m >= lo && m <= hi) }' ||
    fail "$1: ${macs:-no} MACs, published $2 to $3"
}
check_published resnet18 1810000000 1830000000
check_published resnet50 4080000000 4120000000

# LeNet-5: the imported model against the YAML workload, functional, one chip.
if [[ -s data/onnx/lenet5.onnx && -d data/mnist ]]; then
  "$mottsim" import data/onnx/lenet5.onnx -o "$tmp/lenet5_onnx.yaml" >/dev/null
  grep '^inputs:' configs/workloads/lenet5_mnist.yaml >>"$tmp/lenet5_onnx.yaml"  # the same digits and calibration
  "$mottsim" run configs/arch/adc_cim.yaml configs/workloads/lenet5_mnist.yaml --mode functional \
    --no-timeline -o "$tmp/yaml" >/dev/null 2>&1 || fail "functional run of the YAML LeNet-5"
  "$mottsim" run configs/arch/adc_cim.yaml "$tmp/lenet5_onnx.yaml" --mode functional \
    --no-timeline -o "$tmp/onnx" >/dev/null 2>&1 || fail "functional run of the imported LeNet-5"
  a=$(grep -o '"top1": *[0-9.e-]*' "$tmp/yaml/report.json" | head -1)
  b=$(grep -o '"top1": *[0-9.e-]*' "$tmp/onnx/report.json" | head -1)
  [[ -n $a && $a == "$b" ]] || fail "LeNet-5 top-1: YAML workload '$a', imported ONNX '$b'"
  echo "lenet5: functional top-1 of the imported model equals the YAML workload's ($a)"
else
  fail "data/onnx/lenet5.onnx or data/mnist is missing: run 'make data models'"
fi

# The networks with operators beyond convolutions and ReLU (ReLU6, SiLU,
# squeeze-excitation gates, GELU, layer normalization, softmax and attention's
# products between activations) run in perf mode on every shipped
# architecture, and each report counts the forward hooks' MACs.
for m in mobilenet_v2 efficientnet_b0 vit_b_16; do
  want_macs=$(json_int "data/onnx/$m.counts.json" macs 2>/dev/null)
  for arch in configs/arch/*.yaml; do
    a=$(basename "$arch" .yaml)
    [[ $a == cim_base ]] && continue  # a base the CIM designs extend, not a design
    if ! "$mottsim" run "$arch" "data/onnx/$m.onnx" --no-timeline -o "$tmp/all-$m-$a" >"$tmp/all-$m-$a.log" 2>&1; then
      fail "perf run of $m on $a:"; cat "$tmp/all-$m-$a.log"
      continue
    fi
    run_macs=$(json_int "$tmp/all-$m-$a/report.json" macs)
    [[ $run_macs == "$want_macs" ]] || fail "$m on $a: the perf run reports $run_macs MACs, the hooks $want_macs"
  done
  echo "$m: perf runs on every shipped architecture report the hooks' $want_macs MACs"
done
[[ $failed -eq 0 ]]
