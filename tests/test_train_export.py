"""A smoke run of the real pipeline: train on a small slice, export, verify, load in the app."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory, mnist_dir):
    from train.cli import main

    runs = tmp_path_factory.mktemp("runs")
    code = main(["--data", str(mnist_dir), "--out", str(runs), "--limit", "4000",
                 "--epochs", "3", "--batch-size", "32", "--styles", "300", "--styled-val", "100",
                 "--cache", str(tmp_path_factory.mktemp("cache"))])
    assert code == 0
    (run_dir,) = runs.iterdir()
    return run_dir


def test_run_folder_has_model_and_report(smoke_run):
    names = {p.name for p in smoke_run.iterdir()}
    assert {"model.keras", "config.json", "history.json", "metrics.json", "learning_curves.png",
            "confusion_matrix.png", "misclassified.png", "styles.png"} <= names
    metrics = json.loads((smoke_run / "metrics.json").read_text())
    matrix = np.array(metrics["confusion_matrix"])
    assert matrix.shape == (10, 10) and matrix.sum() == 10000
    assert metrics["test_accuracy"] == pytest.approx(np.trace(matrix) / 10000)
    assert metrics["test_accuracy"] > 0.8  # 4,000 images, 3 epochs: far above chance
    config = json.loads((smoke_run / "config.json").read_text())
    assert config["limit"] == 4000 and config["command"].startswith("python -m train")


@pytest.fixture(scope="module")
def exported(smoke_run, tmp_path_factory, mnist_dir):
    from export.cli import main

    target = tmp_path_factory.mktemp("model")
    assert main([str(smoke_run), "--data", str(mnist_dir), "--install-dir", str(target),
                 "--quantize"]) == 0
    return target


def test_export_installs_verified_model_with_card(exported, smoke_run):
    from desktop.engine.classifier import Classifier, sha256_file

    card = json.loads((exported / "digits.card.json").read_text())
    assert card["sha256"] == sha256_file(exported / "digits.onnx")
    assert card["parity_with_keras"]["max_abs_diff"] <= 1e-4
    assert card["parity_with_keras"]["images"] == 10000
    keras_accuracy = json.loads((smoke_run / "metrics.json").read_text())["test_accuracy"]
    assert abs(card["test_accuracy"] - keras_accuracy) < 1e-3  # measured, and it agrees
    assert card["input"]["name"] == "image" and card["output"]["name"] == "probabilities"
    assert card["training"]["parameters"]["limit"] == 4000
    quantized = card["quantized"]
    assert quantized["size_bytes"] < quantized["float_size_bytes"]
    assert (exported / "digits-int8.onnx").exists() == quantized["kept"]

    model = Classifier(exported / "digits.onnx")  # the app's own loader
    assert json.loads(model.metadata["model_card"])["test_accuracy"] == card["test_accuracy"]


def test_exported_model_has_dynamic_batch(exported, mnist_test_inputs):
    import onnxruntime as ort

    session = ort.InferenceSession(str(exported / "digits.onnx"))
    (tensor,) = session.get_inputs()
    assert tensor.shape[1:] == [28, 28, 1] and not isinstance(tensor.shape[0], int)
    for batch in (1, 7, 64):
        (out,) = session.run(None, {"image": mnist_test_inputs[:batch, ..., None]})
        assert out.shape == (batch, 10)
        np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)


def test_fine_tune_from_model_with_extra_images(smoke_run, tmp_path, mnist_dir, mnist):
    from PIL import Image

    from train.cli import main

    extra = tmp_path / "extra"
    for digit in range(10):
        (extra / str(digit)).mkdir(parents=True)
        index = int(np.flatnonzero(mnist.y_test == digit)[0])
        Image.fromarray(255 - mnist.x_test[index]).save(extra / str(digit) / "sample.png")
    runs = tmp_path / "runs"
    code = main(["--data", str(mnist_dir), "--out", str(runs), "--limit", "500", "--epochs", "1",
                 "--init-from", str(smoke_run / "model.keras"), "--extra", str(extra),
                 "--extra-repeat", "3", "--styles", "0", "--styled-val", "0"])
    assert code == 0
    (run_dir,) = runs.iterdir()
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["test_accuracy"] > 0.8  # started from the smoke model, not from scratch
