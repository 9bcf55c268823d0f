"""The model's `features` output (`export/features.py`): every export has it, an older export
gets it in place, and the probabilities never change by a bit."""

from __future__ import annotations

import json
import shutil

import numpy as np
import onnx
import pytest
from older_export import without_outputs

from desktop.engine.classifier import Classifier, bundled_model_path, card_path
from export.features import add_features_output, add_to_model


@pytest.fixture
def older_export(tmp_path):
    """The bundled model and its card as they were before the features output."""
    return without_outputs(tmp_path, 1, ("features", "features_command"))


def test_an_older_export_gets_the_output_in_place_with_the_same_probabilities(
        older_export, mnist_test_inputs):
    before = Classifier(older_export).predict(mnist_test_inputs)
    card = add_to_model(older_export, mnist_test_inputs[..., None], "test")
    model = Classifier(older_export)  # its card's new SHA-256 is checked on load
    assert model.features == 128 and card["features"]["shape"] == ["batch", 128]
    assert card["sha256"] == json.loads(card_path(older_export).read_text())["sha256"]
    probabilities, features = model.predict_with_features(mnist_test_inputs)
    assert np.array_equal(probabilities, before)
    assert features.shape == (10000, 128) and (features >= 0).all()  # after a ReLU


def test_adding_it_twice_changes_nothing(tmp_path):
    shutil.copy(bundled_model_path(), tmp_path / "digits.onnx")
    proto = onnx.load(str(tmp_path / "digits.onnx"))
    outputs = [o.name for o in proto.graph.output]
    assert add_features_output(proto) == 128
    assert [o.name for o in proto.graph.output] == outputs == ["probabilities", "features",
                                                               "one_digit"]


@pytest.mark.slow
def test_a_keras_export_has_the_features_its_last_layer_reads(mnist_test_inputs, tmp_path):
    """models/digits.keras converted as every export converts: `features` is what the last
    dense layer reads (softmax(features W + b) gives the probabilities)."""
    import keras

    from export.convert import keras_to_onnx

    model = keras.models.load_model("models/digits.keras")
    onnx.save(keras_to_onnx(model), str(tmp_path / "digits.onnx"))
    probabilities, features = Classifier(tmp_path / "digits.onnx").predict_with_features(
        mnist_test_inputs[:2000])
    kernel, bias = model.layers[-1].get_weights()
    logits = features.astype(np.float64) @ kernel + bias
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    assert np.abs(softmax - probabilities).max() < 1e-5
    bundled = Classifier().predict(mnist_test_inputs[:2000])
    assert np.abs(bundled - probabilities).max() < 1e-4
