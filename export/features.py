"""The model's outputs for adapting to a user's handwriting: `features` and `style`.

The app adapts to a user's handwriting without TensorFlow (`desktop.engine.adapt`), from two
views of a digit the model already computes:

- `features`: the activations that feed its last dense layer: where the model's own reading
  places the digit;
- `style`: the input of its last convolution (the strokes' parts, before they are reduced to a
  reading), averaged over 2x2 cells: closer to how the digit was written. Its samples tell
  apart writers whose digits the features lump together (measured in bench/adapt.py).

Both are added without changing a node: `features` by naming the tensor the last MatMul reads
and listing it as an output, `style` by two new nodes (AveragePool, Flatten) that only read the
tensor the last Conv reads; the probabilities stay the very numbers the graph computed before.

`python -m export.features MODEL.onnx` gives an exported model (the bundled one: same weights,
no retraining) the outputs it lacks, in place, checks that its probabilities are bit for bit
what they were on the 10,000 MNIST test digits, and updates its card, with the model's usual
doubt (export/doubt.py) when the card names its training's validation split.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

from desktop.engine.classifier import FEATURES, STYLE

FEATURES_CARD = {
    "name": FEATURES, "dtype": "float32",
    "meaning": "activations feeding the last dense layer (after its ReLU): probabilities = "
               "softmax(features @ W + b); the app adapts to a user's handwriting from them",
}

STYLE_CARD = {
    "name": STYLE, "dtype": "float32",
    "meaning": "the input of the last convolution (after its ReLU), averaged over 2x2 cells "
               "and flattened in channel, row, column order; the app compares a user's "
               "samples by it too",
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
        if output.name == FEATURES:
            return int(output.type.tensor_type.shape.dim[1].dim_value)
    node = _last_matmul(graph)
    width, old = _width(graph, node), node.input[0]
    for each in graph.node:  # rename the tensor wherever it is produced or read
        each.input[:] = [FEATURES if n == old else n for n in each.input]
        each.output[:] = [FEATURES if n == old else n for n in each.output]
    for value in graph.value_info:
        if value.name == old:
            value.name = FEATURES
    graph.output.append(helper.make_tensor_value_info(
        FEATURES, TensorProto.FLOAT, [graph.input[0].type.tensor_type.shape.dim[0].dim_param
                                            or "batch", width]))
    return width


def _last_conv_input(proto: onnx.ModelProto) -> tuple[str, list[int]]:
    """The tensor the last Conv reads and its (N, C, H, W) shape (ONNX convolutions are
    channels-first whatever the source framework's layout)."""
    convs = [node for node in proto.graph.node if node.op_type == "Conv"]
    if not convs:
        raise NoFeatures("no convolution found")
    name = convs[-1].input[0]
    for value in onnx.shape_inference.infer_shapes(proto).graph.value_info:
        if value.name == name:
            dims = [d.dim_value for d in value.type.tensor_type.shape.dim]
            if len(dims) == 4 and all(dims[1:]):
                return name, dims
    raise NoFeatures(f"the shape of {name!r}, the last convolution's input, is unknown")


def add_style_output(proto: onnx.ModelProto) -> int:
    """Add the graph output `style`: the last convolution's input, averaged over 2x2 cells and
    flattened; its width. Existing nodes are left as they are."""
    graph = proto.graph
    for output in graph.output:
        if output.name == STYLE:
            return int(output.type.tensor_type.shape.dim[1].dim_value)
    source, (_, channels, height, width) = _last_conv_input(proto)
    pooled = STYLE + "_pooled"
    if not any(STYLE in node.output for node in graph.node):  # else: only unlisted
        graph.node.extend([
            helper.make_node("AveragePool", [source], [pooled], kernel_shape=[2, 2],
                             strides=[2, 2], name=pooled),
            helper.make_node("Flatten", [pooled], [STYLE], axis=1, name=STYLE)])
    size = channels * (height // 2) * (width // 2)
    graph.output.append(helper.make_tensor_value_info(
        STYLE, TensorProto.FLOAT, [graph.input[0].type.tensor_type.shape.dim[0].dim_param
                                   or "batch", size]))
    return size


def add_adaptation_outputs(proto: onnx.ModelProto) -> dict:
    """Both outputs, where missing; the card's entries for them."""
    return {FEATURES: features_card(add_features_output(proto)),
            STYLE: {**STYLE_CARD, "shape": ["batch", add_style_output(proto)]}}


def features_card(width: int) -> dict:
    return {**FEATURES_CARD, "shape": ["batch", width]}


def described(proto: onnx.ModelProto) -> dict:
    """The card's entries for a converted model's features and style outputs (none for an
    output it lacks)."""
    cards = {FEATURES: FEATURES_CARD, STYLE: STYLE_CARD}
    return {output.name: {**cards[output.name],
                          "shape": ["batch", output.type.tensor_type.shape.dim[1].dim_value]}
            for output in proto.graph.output if output.name in cards}


def add_to_model(path: Path, images: np.ndarray, command: str, extra: dict | None = None
                 ) -> dict:
    """Give the exported model at `path` its features and style outputs, in place, and `extra`
    in its card; its new card. Raises NoFeatures, or ValueError when a probability changes
    (nothing written)."""
    from export.amend import amend_model

    def amend(proto: onnx.ModelProto) -> dict:
        return {**add_adaptation_outputs(proto), "features_command": command, **(extra or {})}

    return amend_model(path, images, amend)


def doubt_entry(path: Path, data) -> dict:
    """The card's `doubt` (export/doubt.py), from the validation split its training card
    names; {} when it names none."""
    from desktop.engine.classifier import read_card
    from export.doubt import card_entry

    parameters = (read_card(path).get("training") or {}).get("parameters") or {}
    return card_entry(path, parameters, data)


def main(argv: list[str] | None = None) -> int:
    from desktop.engine.classifier import ModelError
    from export.amend import model_args
    from train.data import DatasetError, load_mnist

    argv = sys.argv[1:] if argv is None else list(argv)
    args = model_args("python -m export.features", __doc__, argv)
    try:
        data = load_mnist(args.data)
        images = (data.x_test.astype(np.float32) / 255.0)[..., None]
        card = add_to_model(args.model, images, " ".join(["python -m export.features", *argv]),
                            doubt_entry(args.model, data))
    except (DatasetError, NoFeatures, ModelError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{args.model}: features ({card[FEATURES]['shape'][1]} values) and style "
          f"({card[STYLE]['shape'][1]} values) outputs in place, "
          f"probabilities identical on {len(images):,} MNIST test digits; sha256 "
          f"{card['sha256'][:12]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
