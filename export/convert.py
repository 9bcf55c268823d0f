"""Keras model → ONNX with tf2onnx, a dynamic batch dimension and named input and output."""

from __future__ import annotations

from pathlib import Path

import onnx

from export.features import add_adaptation_outputs

INPUT_NAME = "image"
OUTPUT_NAME = "probabilities"
OPSET = 17


def find_keras_model(path: str | Path) -> Path:
    """A run folder (its model.keras) or a .keras file."""
    path = Path(path)
    candidate = path / "model.keras" if path.is_dir() else path
    if not candidate.is_file():
        raise FileNotFoundError(f"{candidate}: no Keras model there")
    return candidate


def keras_to_onnx(model) -> onnx.ModelProto:
    """Convert through a tf.function with an explicit signature (from_keras fails on Keras 3)."""
    import tensorflow as tf
    import tf2onnx

    signature = [tf.TensorSpec([None, 28, 28, 1], tf.float32, name=INPUT_NAME)]

    @tf.function(input_signature=signature)
    def serve(image):
        return {OUTPUT_NAME: model(image, training=False)}

    proto, _ = tf2onnx.convert.from_function(serve, input_signature=signature, opset=OPSET)
    _rename_io(proto)
    add_adaptation_outputs(proto)  # for adapting to a user's handwriting, in the app
    return proto


def _rename_io(proto: onnx.ModelProto) -> None:
    """tf2onnx names tensors after the TF graph ('image:0'); give them their plain names."""
    renames = {proto.graph.input[0].name: INPUT_NAME, proto.graph.output[0].name: OUTPUT_NAME}
    for value in list(proto.graph.input) + list(proto.graph.output):
        value.name = renames.get(value.name, value.name)
    for node in proto.graph.node:
        node.input[:] = [renames.get(n, n) for n in node.input]
        node.output[:] = [renames.get(n, n) for n in node.output]
