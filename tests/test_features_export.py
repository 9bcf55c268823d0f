"""The model's `features` and `style` outputs (`export/features.py`): every export has them, an
older export gets them in place, and the probabilities never change by a bit."""

from __future__ import annotations

import json
import shutil

import numpy as np
import onnx
import pytest
from older_export import without_outputs

from desktop.engine.classifier import Classifier, bundled_model_path, card_path
from export.features import add_adaptation_outputs, add_to_model, doubt_entry

LAST_CONV_INPUT = "digit_cnn_compact_1/re_lu_3_1/Relu:0"  # (N, 64, 8, 8) in the bundled graph


@pytest.fixture(params=[1, 3], ids=["without both", "without style"])
def older_export(request, tmp_path):
    """The bundled model and its card as they were before the features output, or before the
    style output."""
    dropped = ("style", "one_digit_pen", "one_digit_lone") + (("features", "features_command")
                                            if request.param == 1 else ())
    return without_outputs(tmp_path, request.param, dropped)


def pooled_by_hand(path, images: np.ndarray) -> np.ndarray:
    """The last convolution's input, straight from the graph, averaged over 2x2 cells."""
    import onnxruntime as ort

    proto = onnx.load(str(path))
    proto.graph.output.append(onnx.helper.make_tensor_value_info(
        LAST_CONV_INPUT, onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    grid = session.run([LAST_CONV_INPUT], {"image": images[..., None].astype(np.float32)})[0]
    n, channels, height, width = grid.shape
    cells = grid.reshape(n, channels, height // 2, 2, width // 2, 2).mean(axis=(3, 5))
    return cells.reshape(n, -1)


def test_an_older_export_gets_the_outputs_in_place_with_the_same_probabilities(
        older_export, mnist_test_inputs):
    before = Classifier(older_export).predict(mnist_test_inputs)
    assert Classifier(older_export).features == 0  # it cannot adapt yet
    card = add_to_model(older_export, mnist_test_inputs[..., None], "test")
    model = Classifier(older_export)  # its card's new SHA-256 is checked on load
    assert model.features == 128 and card["features"]["shape"] == ["batch", 128]
    assert card["style"]["shape"] == ["batch", 1024]
    assert card["sha256"] == json.loads(card_path(older_export).read_text())["sha256"]
    probabilities, features, style = model.predict_with_features(mnist_test_inputs)
    assert np.array_equal(probabilities, before)
    assert features.shape == (10000, 128) and (features >= 0).all()  # after a ReLU
    expected = pooled_by_hand(older_export, mnist_test_inputs[:500])
    assert np.allclose(style[:500], expected, atol=1e-5) and expected.std() > 0.1


def test_the_card_gets_the_models_usual_doubt_on_its_validation_digits(tmp_path, mnist):
    """The median of 1 - p(true digit) over the 5,000 training digits its run held out (a
    permutation seeded by the run's seed): what the adaptation weighs samples against."""
    path = without_outputs(tmp_path, 4, ("doubt", "one_digit_pen", "one_digit_lone"))
    assert Classifier(path).usual_doubt is None
    held_out = np.random.default_rng(1234).permutation(60000)[:5000]
    probabilities = Classifier(path).predict(mnist.x_train[held_out] / 255.0)
    expected = np.median(1 - probabilities[np.arange(5000), mnist.y_train[held_out]])
    images = (mnist.x_test[:100] / 255.0).astype(np.float32)[..., None]
    add_to_model(path, images, "test", doubt_entry(path, mnist))
    card = json.loads(card_path(path).read_text())
    assert card["doubt"]["digits"] == 5000
    assert card["doubt"]["median"] == pytest.approx(expected, abs=1e-6)
    assert Classifier(path).usual_doubt == card["doubt"]["median"]


def test_the_doubt_is_read_on_the_split_a_run_kept_across_seeds(mnist):
    """A fine-tune with another seed that kept its start's split (`--split-seed`) held out
    its start's digits, not those its own seed would pick."""
    from export.doubt import validation_digits

    kept = validation_digits({"seed": 7, "split_seed": 1234, "val_split": 300}, mnist)
    own = validation_digits({"seed": 7, "val_split": 300}, mnist)
    start = validation_digits({"seed": 1234, "val_split": 300}, mnist)
    assert kept is not None and own is not None and start is not None
    assert np.array_equal(kept[0], start[0]) and not np.array_equal(own[0], start[0])


def test_a_card_that_names_no_validation_split_gets_no_doubt(tmp_path, mnist):
    path = without_outputs(tmp_path, 4,
                           ("doubt", "training", "one_digit_pen", "one_digit_lone"))
    assert doubt_entry(path, mnist) == {}


def test_adding_them_twice_changes_nothing(tmp_path):
    shutil.copy(bundled_model_path(), tmp_path / "digits.onnx")
    proto = onnx.load(str(tmp_path / "digits.onnx"))
    outputs = [o.name for o in proto.graph.output]
    card = add_adaptation_outputs(proto)
    assert card["features"]["shape"] == ["batch", 128] and card["style"]["shape"] == [
        "batch", 1024]
    assert [o.name for o in proto.graph.output] == outputs == [
        "probabilities", "features", "one_digit", "style", "one_digit_pen", "one_digit_lone"]


@pytest.mark.slow
def test_a_keras_export_has_the_features_its_last_layer_reads(mnist_test_inputs, tmp_path):
    """models/digits.keras converted as every export converts: `features` is what the last
    dense layer reads (softmax(features W + b) gives the probabilities), `style` what its last
    convolution reads, averaged over 2x2 cells."""
    import keras

    from export.convert import keras_to_onnx

    model = keras.models.load_model("models/digits.keras")
    onnx.save(keras_to_onnx(model), str(tmp_path / "digits.onnx"))
    probabilities, features, style = Classifier(tmp_path / "digits.onnx").predict_with_features(
        mnist_test_inputs[:2000])
    last_conv = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)][-1]
    grid = keras.Model(model.inputs, last_conv.input).predict(mnist_test_inputs[:2000, ..., None],
                                                              verbose=0)  # NHWC
    n, height, width, channels = grid.shape
    cells = grid.reshape(n, height // 2, 2, width // 2, 2, channels).mean(axis=(2, 4))
    assert np.abs(cells.transpose(0, 3, 1, 2).reshape(n, -1) - style).max() < 1e-4
    kernel, bias = model.layers[-1].get_weights()
    logits = features.astype(np.float64) @ kernel + bias
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    assert np.abs(softmax - probabilities).max() < 1e-5
    bundled = Classifier().predict(mnist_test_inputs[:2000])
    assert np.abs(bundled - probabilities).max() < 1e-4
