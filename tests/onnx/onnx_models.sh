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
#  5. A tiny ViT (vit_tiny): the float reference mottsim computes from the
#     imported model (class token, position embedding, layer normalizations,
#     the attention's transposes) matches the logits PyTorch computed for the
#     same input (vit_tiny.reference.json) within 1e-4, and stops matching
#     when the layer normalizations lose their shift; functional mode on ideal
#     devices picks the float reference's class.
# Missing models are a failure ("make models" makes them), never a skip.
# usage: onnx_models.sh <mottsim binary> <source dir> <onnx_float_check binary>
set -uo pipefail
mottsim=$1
float_check=$3
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
json_int() { grep -o "\"$2\": *[0-9]*" "$1" | head -1 | grep -o '[0-9]*$'; }

for m in lenet5 resnet18 resnet50 vgg16 mobilenet_v2 efficientnet_b0 vit_b_16 vit_tiny; do
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

# The tiny ViT against PyTorch. Tolerance: its logits are of order 1 to 3;
# float32 rounds each operation to 6e-8 relative, and the longest sums (128
# terms) in another order than PyTorch's differ by at most ~128 x 6e-8 = 8e-6
# of their terms' magnitudes, renormalized by every layer normalization: 1e-4
# is ten times that, while a layer normalization's shift (std 0.2) moves the
# logits by tenths.
if [[ -s data/onnx/vit_tiny.onnx && -s data/onnx/vit_tiny.reference.json ]]; then
  ref=data/onnx/vit_tiny.reference.json
  if out=$("$float_check" data/onnx/vit_tiny.onnx "$ref" 1e-4 2>&1); then
    echo "vit_tiny: float reference of the imported model: $out"
  else
    fail "vit_tiny: float reference against PyTorch: $out"
  fi
  "$mottsim" import data/onnx/vit_tiny.onnx -o "$tmp/vit_tiny.yaml" >/dev/null || fail "import vit_tiny"
  out=$("$float_check" "$tmp/vit_tiny.yaml" "$ref" 1e-4 2>&1) || fail "vit_tiny: the imported YAML's float reference: $out"
  sed 's/, shift: "[^"]*"//' "$tmp/vit_tiny.yaml" >"$tmp/vit_tiny_noshift.yaml"
  grep -q 'shift:' "$tmp/vit_tiny_noshift.yaml" && fail "vit_tiny: the shifts were not removed"
  if out=$("$float_check" "$tmp/vit_tiny_noshift.yaml" "$ref" 1e-4 2>&1); then
    fail "vit_tiny: the check passes without the layer normalizations' shifts: $out"
  else
    echo "vit_tiny: without the layer normalizations' shifts the check fails ($out)"
  fi
  # A constant the model does not hold, or one of the wrong size: located
  # errors with exit status 2, in functional mode as in the float reference.
  sed '0,/shift: "[^"]*"/s//shift: "no.such.tensor"/' "$tmp/vit_tiny.yaml" >"$tmp/vit_tiny_missing.yaml"
  sed '0,/shift: "[^"]*"/s//shift: "encoder.pos_embedding"/' "$tmp/vit_tiny.yaml" >"$tmp/vit_tiny_sized.yaml"
  for bad in missing:"holds no initializer or Constant node named 'no.such.tensor'" sized:"it has 1088 values"; do
    name=${bad%%:*} want=${bad#*:}
    line=$(grep -n 'type: layernorm' "$tmp/vit_tiny_$name.yaml" | head -1 | cut -d: -f1)
    out=$("$mottsim" run configs/arch/adc_cim.yaml "$tmp/vit_tiny_$name.yaml" --mode functional --no-timeline \
      -o "$tmp/vit_tiny_$name" 2>&1)
    status=$?
    [[ $status -eq 2 && $out == *"vit_tiny_$name.yaml:$line:"*"error: "*"$want"* ]] ||
      fail "vit_tiny ($name shift tensor): exit $status, expected 2 and '$want' located at line $line: $out"
  done
  # Ideal devices: no programming variation or read noise, a 16-bit ADC.
  if "$mottsim" run configs/arch/adc_cim.yaml data/onnx/vit_tiny.onnx --mode functional --no-timeline \
    -o "$tmp/vit_tiny_functional" --set components.tile.crossbar.cell.programming_sigma=0 \
    --set components.tile.crossbar.cell.read_noise_sigma=0 --set components.tile.readout[0].bits=16 \
    >"$tmp/vit_tiny_functional.log" 2>&1; then
    agree=$(grep -o '"top1_agreement": *[0-9.e-]*' "$tmp/vit_tiny_functional/report.json" | head -1 | grep -o '[0-9.e-]*$')
    awk -v a="$agree" 'BEGIN { exit !(a != "" && a + 0 == 1) }' || fail "vit_tiny: functional mode on ideal devices agrees with the float reference's class: '$agree'"
    echo "vit_tiny: functional mode on ideal devices picks the float reference's class (top1_agreement $agree)"
  else
    fail "functional run of vit_tiny:"; cat "$tmp/vit_tiny_functional.log"
  fi
else
  fail "data/onnx/vit_tiny.onnx or its reference is missing: run 'make models'"
fi

# Every exported torchvision network, those with operators beyond
# convolutions and ReLU (ReLU6, SiLU, squeeze-excitation gates, GELU, layer
# normalization, softmax and attention's products between activations)
# included, runs in perf mode on every shipped architecture, and each report
# counts the forward hooks' MACs.
for m in resnet18 resnet50 vgg16 mobilenet_v2 efficientnet_b0 vit_b_16; do
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
