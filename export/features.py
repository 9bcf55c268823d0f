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

import argparse
import json
import sys
import tempfile
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


def _probabilities(path: Path, images: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.concatenate([session.run(["probabilities"], {name: images[i:i + 64]})[0]
                           for i in range(0, len(images), 64)])


def add_to_model(path: Path, images: np.ndarray, command: str) -> dict:
    """Give the exported model at `path` its features output, in place; its new card.
    Raises NoFeatures, or ValueError when a probability changes (nothing written then)."""
    from export.card import write_model
    from export.verify import check_onnx

    before = _probabilities(path, images)
    proto = onnx.load(str(path))
    card = json.loads((path.with_name(path.stem + ".card.json")).read_text(encoding="utf-8"))
    width = add_features_output(proto)
    card = {k: v for k, v in card.items() if k not in ("file", "sha256", "size_bytes")}
    card |= {"features": features_card(width), "features_command": command}
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / path.name
        card = write_model(proto, card, staged)
        check_onnx(staged)
        if not np.array_equal(before, _probabilities(staged, images)):
            raise ValueError(f"{path}: the probabilities changed; nothing written")
        from export.cli import install

        install(Path(tmp), path.parent)
    return card


def main(argv: list[str] | None = None) -> int:
    from desktop.engine.classifier import bundled_model_path
    from train.data import DatasetError, load_mnist

    parser = argparse.ArgumentParser(prog="python -m export.features", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("model", type=Path, nargs="?", default=bundled_model_path())
    parser.add_argument("--data", help="MNIST folder or mnist.npz")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
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
