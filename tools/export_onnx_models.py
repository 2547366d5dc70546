#!/usr/bin/env python3
"""Writes the ONNX models mottsim's tests and benches import, into data/onnx/.

Test data only: mottsim itself needs no Python. Run by `make models`.

- lenet5.onnx: mottsim's own trained LeNet-5 (data/lenet5_mnist_weights.json),
  so an imported model can be checked against the YAML workload in functional
  mode: same weights, same digits, same top-1.
- resnet18, resnet50, vgg16, mobilenet_v2, efficientnet_b0 and vit_b_16 from
  torchvision, with random weights (nothing is downloaded), batch 1.
- vit_tiny: torchvision's VisionTransformer at 32x32 (patches of 8, 2 layers
  of 4 heads, width 64, MLP 128, 10 classes), random weights from its own seed.

Beside vit_tiny.onnx, vit_tiny.reference.json holds PyTorch's own logits for
a fixed input anyone can rebuild (its recipe and values are in the file): the
float forward mottsim computes from the imported model is checked against
them, a route independent of mottsim's importer and arithmetic.

Beside each NAME.onnx, NAME.counts.json holds the multiply-accumulates and the
weights of every Conv2d and Linear module, counted by PyTorch forward hooks: a
route independent of mottsim's importer, which the tests compare with it.
"""
import argparse
import json
import os
import sys

import torch
import torchvision

torch.manual_seed(2021)


def count_macs(model, example):
    """MACs and weights of the convolutions and linear layers, by forward hooks."""
    totals = {"macs": 0, "weights": 0, "layers": 0}

    def conv_hook(module, inputs, output):
        kh, kw = module.kernel_size
        per_output = (module.in_channels // module.groups) * kh * kw
        totals["macs"] += (output.numel() // output.shape[0]) * per_output
        totals["weights"] += module.weight.numel()
        totals["layers"] += 1

    def linear_hook(module, inputs, output):
        rows = output.numel() // output.shape[-1] // output.shape[0]  # tokens per sample (1 for a vector)
        totals["macs"] += rows * module.in_features * module.out_features
        totals["weights"] += module.weight.numel()
        totals["layers"] += 1

    def attention_hook(module, inputs, output):
        # nn.MultiheadAttention uses its projection weights without calling
        # them as modules: Q, K and V (3 E x E), the output projection (E x E),
        # and the two products between activations, Q K^T and A V (T x T x E each).
        tokens = output[0].shape[1] if module.batch_first else output[0].shape[0]
        embed = module.embed_dim
        totals["macs"] += tokens * embed * 4 * embed + 2 * tokens * tokens * embed
        totals["weights"] += module.in_proj_weight.numel() + module.out_proj.weight.numel()
        totals["layers"] += 2

    handles = []
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, torch.nn.MultiheadAttention):
            handles.append(m.register_forward_hook(attention_hook))
        elif isinstance(m, torch.nn.Linear) and not isinstance(
                m, torch.nn.modules.linear.NonDynamicallyQuantizableLinear):
            handles.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(example)
    for h in handles:
        h.remove()
    return totals


class LeNet5(torch.nn.Module):
    """configs/workloads/lenet5_mnist.yaml, layer for layer."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = torch.nn.Conv2d(6, 16, 5)
        self.fc1 = torch.nn.Linear(400, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


def lenet5_from_mottsim(weights_path):
    """Loads mottsim's weights file. Its layouts (platform/data/weights_file.hpp):
    conv [out][row][col][in], linear [out][in] with a flattened map's inputs in
    (row * W + col) * C + channel order; PyTorch's are [out][in][row][col] and
    channel * H * W + row * W + col."""
    with open(weights_path) as f:
        layers = json.load(f)["layers"]
    net = LeNet5()
    with torch.no_grad():
        for name in ("conv1", "conv2"):
            w = torch.tensor(layers[name]["weights"], dtype=torch.float32).reshape(layers[name]["shape"])
            getattr(net, name).weight.copy_(w.permute(0, 3, 1, 2))
            getattr(net, name).bias.copy_(torch.tensor(layers[name]["bias"], dtype=torch.float32))
        fc1 = torch.tensor(layers["fc1"]["weights"], dtype=torch.float32).reshape(120, 5, 5, 16)
        net.fc1.weight.copy_(fc1.permute(0, 3, 1, 2).reshape(120, 400))
        net.fc1.bias.copy_(torch.tensor(layers["fc1"]["bias"], dtype=torch.float32))
        for name in ("fc2", "fc3"):
            w = torch.tensor(layers[name]["weights"], dtype=torch.float32).reshape(layers[name]["shape"])
            getattr(net, name).weight.copy_(w)
            getattr(net, name).bias.copy_(torch.tensor(layers[name]["bias"], dtype=torch.float32))
    return net


def export(name, model, example, out_dir):
    model.eval()
    path = os.path.join(out_dir, name + ".onnx")
    tmp = path + ".tmp"
    # Not under no_grad: PyTorch 1.13's attention then takes its fused fast path
    # (aten::_native_multi_head_attention), which has no ONNX export.
    torch.onnx.export(model, example, tmp, opset_version=13, input_names=["input"], output_names=["output"],
                      do_constant_folding=True)
    counts = count_macs(model, example)
    counts["model"] = name
    counts["input"] = list(example.shape)
    counts["counted_by"] = "PyTorch forward hooks on Conv2d and Linear (tools/export_onnx_models.py)"
    with open(os.path.join(out_dir, name + ".counts.json.tmp"), "w") as f:
        json.dump(counts, f, indent=1)
    os.replace(os.path.join(out_dir, name + ".counts.json.tmp"), os.path.join(out_dir, name + ".counts.json"))
    os.replace(tmp, path)
    print(f"{path}: {counts['macs']:,} MACs, {counts['weights']:,} weights in {counts['layers']} layers")


def recipe_input(channels, height, width):
    """A fixed input needing no random generator: x[c][y][x] = ((c * H * W + y * W + x) % 17) / 8 - 1,
    exact in float32."""
    index = torch.arange(channels * height * width, dtype=torch.int64)
    return ((index % 17).to(torch.float32) / 8.0 - 1.0).reshape(1, channels, height, width)


def vit_tiny():
    torch.manual_seed(7)  # its own seed: the same weights whichever models are exported with it
    model = torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4,
                                                 hidden_dim=64, mlp_dim=128, num_classes=10)
    with torch.no_grad():
        # Random weights throughout: torchvision starts the class token, and
        # the head, at zero, which would leave them untested.
        model.class_token.normal_()
        model.heads.head.weight.normal_(std=0.2)
        model.heads.head.bias.normal_()
        for m in model.modules():
            if isinstance(m, torch.nn.LayerNorm):
                m.weight.normal_(1.0, 0.2)
                m.bias.normal_(0.0, 0.2)
    return model


def write_reference(name, model, out_dir):
    """PyTorch's logits for recipe_input, in NAME.reference.json."""
    model.eval()
    x = recipe_input(3, 32, 32)
    with torch.no_grad():
        logits = model(x)[0]
    doc = {"model": name, "input_shape": list(x.shape),
           "input_recipe": "x[c][y][x] = ((c * H * W + y * W + x) % 17) / 8 - 1 (NCHW, float32)",
           "input": x.flatten().tolist(), "logits": logits.tolist(),
           "computed_by": f"PyTorch {torch.__version__} eager, float32 (tools/export_onnx_models.py)"}
    tmp = os.path.join(out_dir, name + ".reference.json.tmp")
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, os.path.join(out_dir, name + ".reference.json"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="data/onnx")
    parser.add_argument("--weights", default="data/lenet5_mnist_weights.json")
    parser.add_argument("models", nargs="*", help="names to export (default: all)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    image = torch.randn(1, 3, 224, 224)
    makers = {
        "lenet5": lambda: (lenet5_from_mottsim(args.weights), torch.randn(1, 1, 28, 28)),
        "resnet18": lambda: (torchvision.models.resnet18(weights=None), image),
        "resnet50": lambda: (torchvision.models.resnet50(weights=None), image),
        "vgg16": lambda: (torchvision.models.vgg16(weights=None), image),
        "mobilenet_v2": lambda: (torchvision.models.mobilenet_v2(weights=None), image),
        "efficientnet_b0": lambda: (torchvision.models.efficientnet_b0(weights=None), image),
        "vit_b_16": lambda: (torchvision.models.vit_b_16(weights=None), image),
        "vit_tiny": lambda: (vit_tiny(), recipe_input(3, 32, 32)),
    }
    wanted = args.models or list(makers)
    for name in wanted:
        if name not in makers:
            sys.exit(f"export_onnx_models.py: unknown model '{name}' (known: {', '.join(makers)})")
        model, example = makers[name]()
        export(name, model, example, args.out)
        if name == "vit_tiny":
            write_reference(name, model, args.out)


if __name__ == "__main__":
    main()
