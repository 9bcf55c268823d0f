"""A model from a later export, with outputs this version does not know (as `style` and the
`one_digit` heads once were new), loads and reads exactly as without them: the app reads the
outputs it knows by name and leaves the others."""

from __future__ import annotations

import json

import numpy as np
import onnx
from onnx import TensorProto, helper

from desktop.engine.classifier import Classifier, bundled_model_path, card_path
from desktop.engine.recipes import file_inputs


def later_export(folder):
    """The bundled model with two outputs appended that no version of the app knows: one of
    the usual (batch, n) kind and one of rank 1; its card without its file's SHA-256."""
    proto = onnx.load(str(bundled_model_path()))
    proto.graph.node.extend([
        helper.make_node("Identity", ["features"], ["later_judgement"], name="later/identity"),
        helper.make_node("ReduceSum", ["features"], ["later_scalar"], name="later/sum",
                         keepdims=0)])
    proto.graph.output.extend([
        helper.make_tensor_value_info("later_judgement", TensorProto.FLOAT, ["batch", 128]),
        helper.make_tensor_value_info("later_scalar", TensorProto.FLOAT, ["batch"])])
    path = folder / "digits.onnx"
    onnx.save(proto, str(path))
    card = json.loads(card_path(bundled_model_path()).read_text(encoding="utf-8"))
    card = {k: v for k, v in card.items() if k not in ("sha256", "size_bytes")}
    card_path(path).write_text(json.dumps(card), encoding="utf-8")
    return path


def test_a_later_exports_model_loads_and_reads_as_the_bundled_one(tmp_path, mnist_test_inputs):
    later, bundled = Classifier(later_export(tmp_path)), Classifier()
    assert len(later.session.get_outputs()) == len(bundled.session.get_outputs()) + 2
    inputs = mnist_test_inputs[:200]
    assert np.array_equal(later.predict(inputs), bundled.predict(inputs))
    assert later.judges_whole and later.judges_lone and later.features == bundled.features
    a, b = later.candidates(inputs), bundled.candidates(inputs)
    assert np.array_equal(a.whole, b.whole) and np.array_equal(a.lone, b.lone)
    assert later.run(["probabilities", "one_digit"], inputs[:0])[1].shape == (0, 1)
    number = "tests/data/single_alone/7-mnist-test-4102.jpg"
    assert np.array_equal(file_inputs(number, number=True, score=later.candidates),
                          file_inputs(number, number=True, score=bundled.candidates))

