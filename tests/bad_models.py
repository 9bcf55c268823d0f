"""ONNX models that load but are no use as digit classifiers, each in its own way, and cards
with fields of the wrong type: what `Classifier` must refuse at load, with one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from desktop.engine.classifier import bundled_model_path, card_path

MODEL_KINDS = ("fixed-batch", "two-inputs", "nan-output", "integer-output")
CARD_KINDS = ("card-input-text", "card-sha256-number", "card-doubt-above-one")
BAD_CARDS = {"card-input-text": {"input": "image"}, "card-sha256-number": {"sha256": 5},
             "card-doubt-above-one": {"doubt": {"median": 1.5}}}


def _save(path: Path, nodes: list, inputs: list, output_type: int, initializers: list) -> Path:
    import onnx
    from onnx import helper

    output = helper.make_tensor_value_info("probabilities", output_type, ["batch", 10])
    graph = helper.make_graph(nodes, "bad-digits", inputs, [output], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


def bad_model(path: Path, kind: str) -> Path:
    """A 28x28-in, 10-out model that fails in use: `kind` is one of MODEL_KINDS."""
    from onnx import TensorProto, helper, numpy_helper

    batch = 1 if kind == "fixed-batch" else "batch"
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [batch, 28, 28, 1])
    weights = numpy_helper.from_array(np.full((784, 10), 0.01, np.float32), "weights")
    nodes = [helper.make_node("Flatten", ["image"], ["flat"]),
             helper.make_node("MatMul", ["flat", "weights"], ["logits"])]
    inputs, initializers, output_type = [image], [weights], TensorProto.FLOAT
    if kind == "two-inputs":
        inputs.append(helper.make_tensor_value_info("scale", TensorProto.FLOAT, ["batch", 1]))
        nodes += [helper.make_node("Mul", ["logits", "scale"], ["scaled"]),
                  helper.make_node("Softmax", ["scaled"], ["probabilities"])]
    elif kind == "nan-output":
        initializers.append(numpy_helper.from_array(np.array([np.nan], np.float32), "nan"))
        nodes += [helper.make_node("Softmax", ["logits"], ["soft"]),
                  helper.make_node("Mul", ["soft", "nan"], ["probabilities"])]
    elif kind == "integer-output":
        output_type = TensorProto.INT64
        nodes += [helper.make_node("Softmax", ["logits"], ["soft"]),
                  helper.make_node("Cast", ["soft"], ["probabilities"], to=TensorProto.INT64)]
    else:
        nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"]))
    return _save(path, nodes, inputs, output_type, initializers)


def badly_carded_model(folder: Path, kind: str) -> Path:
    """The bundled model with a card of the wrong types: `kind` is one of CARD_KINDS."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / "digits.onnx"
    shutil.copy(bundled_model_path(), model)
    card_path(model).write_text(json.dumps(BAD_CARDS[kind]), encoding="utf-8")
    return model


def unusable_model(folder: Path, kind: str) -> Path:
    """Any kind of MODEL_KINDS or CARD_KINDS."""
    if kind in CARD_KINDS:
        return badly_carded_model(folder / kind, kind)
    folder.mkdir(parents=True, exist_ok=True)
    return bad_model(folder / f"{kind}.onnx", kind)
