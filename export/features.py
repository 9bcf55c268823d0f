"""The model's second output, `features`: the activations that feed its last dense layer.

The app adapts to a user's handwriting in feature space (`desktop.engine.adapt`), without
TensorFlow. The output is added to the converted graph by naming the tensor the last MatMul
reads and listing it as a graph output: no node changes, so the probabilities stay the very
numbers the graph computed before.

`python -m export.features MODEL.onnx` gives an exported model (the bundled one: same weights,
no retraining) this output in place, checks that its probabilities are bit for bit what they
were on the 10,000 MNIST test digits, and updates its card.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

FEATURES_NAME = "features"
FEATURES_CARD = {
    "name": FEATURES_NAME, "dtype": "float32",
    "meaning": "activations feeding the last dense layer (after its ReLU): probabilities = "
               "softmax(features @ W + b); the app adapts to a user's handwriting from them",
}


class NoFeatures(Exception):
    """The graph does not end in the dense layer + softmax this project's models end in."""


def _last_matmul(graph: onnx.GraphProto) -> onnx.NodeProto:
    """The MatMul (or Gemm) of the last dense layer: walk back from the Softmax."""
    producers = {out: node for node in graph.node for out in node.output}
    node = producers.get(graph.output[0].name)
    while node is not None and node.op_type not in ("MatMul", "Gemm"):
        node = producers.get(node.input[0])
    if node is None:
        raise NoFeatures("no dense layer found before the probabilities")
    return node


def _width(graph: onnx.GraphProto, node: onnx.NodeProto) -> int:
    weights = {i.name: list(i.dims) for i in graph.initializer}
    dims = weights.get(node.input[1])
    if not dims or len(dims) != 2:
        raise NoFeatures("the last dense layer has no constant weights")
    return int(dims[0])


def add_features_output(proto: onnx.ModelProto) -> int:
    """Expose the last dense layer's input as the graph output `features`; its width."""
    graph = proto.graph
    for output in graph.output:
        if output.name == FEATURES_NAME:
            return int(output.type.tensor_type.shape.dim[1].dim_value)
    node = _last_matmul(graph)
    width, old = _width(graph, node), node.input[0]
    for each in graph.node:  # rename the tensor wherever it is produced or read
        each.input[:] = [FEATURES_NAME if n == old else n for n in each.input]
        each.output[:] = [FEATURES_NAME if n == old else n for n in each.output]
    for value in graph.value_info:
        if value.name == old:
            value.name = FEATURES_NAME
    graph.output.append(helper.make_tensor_value_info(
        FEATURES_NAME, TensorProto.FLOAT, [graph.input[0].type.tensor_type.shape.dim[0].dim_param
                                            or "batch", width]))
    return width


def features_card(width: int) -> dict:
    return {**FEATURES_CARD, "shape": ["batch", width]}


def described(proto: onnx.ModelProto) -> dict:
    """The card's entry for a converted model's features output ({} when it has none)."""
    for output in proto.graph.output:
        if output.name == FEATURES_NAME:
            return {"features": features_card(output.type.tensor_type.shape.dim[1].dim_value)}
    return {}


def add_to_model(path: Path, images: np.ndarray, command: str) -> dict:
    """Give the exported model at `path` its features output, in place; its new card.
    Raises NoFeatures, or ValueError when a probability changes (nothing written then)."""
    from export.amend import amend_model

    def amend(proto: onnx.ModelProto) -> dict:
        return {"features": features_card(add_features_output(proto)),
                "features_command": command}

    return amend_model(path, images, amend)


def main(argv: list[str] | None = None) -> int:
    from export.amend import model_args
    from train.data import DatasetError, load_mnist

    argv = sys.argv[1:] if argv is None else list(argv)
    args = model_args("python -m export.features", __doc__, argv)
    try:
        data = load_mnist(args.data)
        images = (data.x_test.astype(np.float32) / 255.0)[..., None]
        card = add_to_model(args.model, images, " ".join(["python -m export.features", *argv]))
    except (DatasetError, NoFeatures, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{args.model}: features output ({card['features']['shape'][1]} values) added, "
          f"probabilities identical on {len(images):,} MNIST test digits; sha256 "
          f"{card['sha256'][:12]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
