#!/usr/bin/env python3
"""Writes the broken ONNX models of this folder (committed; rerun only to change
them). Each NAME.onnx has NAME.expect beside it: the text its located error
must contain. tests/e2e/onnx_bad_models.sh runs them. Needs Debian's python3-onnx.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))


def conv_model(tail_op=None, drop_weight=False, input_dims=(1, 1, 8, 8)):
    w = numpy_helper.from_array(np.ones((2, 1, 3, 3), dtype=np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[3, 3])]
    out = "y"
    if tail_op:
        nodes.append(helper.make_node(tail_op, ["y"], ["z"], name="odd_one"))
        out = "z"
    graph = helper.make_graph(
        nodes, "corpus",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(input_dims))],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)],
        initializer=[] if drop_weight else [w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_corpus.py")


def write(name, data, expect):
    with open(os.path.join(here, name + ".onnx"), "wb") as f:
        f.write(data)
    with open(os.path.join(here, name + ".expect"), "w") as f:
        f.write(expect + "\n")


write("unsupported_op", conv_model("Softsign").SerializeToString(),
      "error: node 'odd_one' (Softsign, opset 13): operator not supported")
write("missing_initializer", conv_model(drop_weight=True).SerializeToString(),
      "error: node 'conv' (Conv, opset 13): input 'w' has no initializer")
whole = conv_model().SerializeToString()
write("truncated", whole[: len(whole) // 2], "error: not an ONNX model")
write("not_onnx", b"name: not a model\nlayers: []\n", "error: not an ONNX model")
write("dynamic_shape", conv_model(input_dims=(1, 1, "height", 8)).SerializeToString(),
      "error: graph input 'x': the height dimension 'height' has no value")

# Names with bytes a damaged file holds (found by flipping bytes of models):
# not UTF-8, refused with the bytes escaped; a line break, escaped in the
# message so that it stays one line.
odd = conv_model("Softsign").SerializeToString()
write("name_not_utf8", odd.replace(b"odd_one", b"odd\xffone"),
      "error: node 1 of the graph (counting from 0; op type 'Softsign'): its name 'odd\\xffone' is not UTF-8 text")
write("initializer_name_not_utf8", odd.replace(b"\x42\x01w", b"\x42\x01\xc3"),  # field 8 (name) of tensor 'w'
      "error: an initializer's name '\\xc3' is not UTF-8 text")
write("name_with_line_break", odd.replace(b"odd_one", b"odd\none"),
      "error: node 'odd\\none' (Softsign, opset 13): operator not supported")
