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

    target, cache = tmp_path_factory.mktemp("model"), tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:  # 100 lone pictures of each kind: a quick head
        patch.setattr("export.one_digit.LONE", 2_000)
        assert main([str(smoke_run), "--data", str(mnist_dir), "--install-dir", str(target),
                     "--quantize", "--one-digit-numbers", "300", "--cache", str(cache)]) == 0
    # The pictures that taught the heads and checked them, kept for the next export.
    assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == ["candidates"] * 2 + [
        "lone"] * 2
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
    assert model.features == 128 and model.judges_whole and model.judges_lone  # never dropped
    assert "of 300 numbers" in card["one_digit"]["taught_on"]
    # its usual doubt, read on the run's own validation digits (a fifth of --limit 4000)
    assert card["doubt"]["digits"] == 800 and model.usual_doubt == card["doubt"]["median"]
    assert 0 < card["doubt"]["median"] < 1


def test_exported_model_has_dynamic_batch(exported, mnist_test_inputs):
    import onnxruntime as ort

    session = ort.InferenceSession(str(exported / "digits.onnx"))
    (tensor,) = session.get_inputs()
    assert tensor.shape[1:] == [28, 28, 1] and not isinstance(tensor.shape[0], int)
    for batch in (1, 7, 64):
        out, features, style, whole = session.run(
            ["probabilities", "features", "style", "one_digit"],
            {"image": mnist_test_inputs[:batch, ..., None]})
        assert out.shape == (batch, 10) and features.shape[0] == batch == style.shape[0]
        assert whole.shape == (batch, 1) and ((whole >= 0) & (whole <= 1)).all()
        np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)


LIMIT, REPEAT = 500, 3


@pytest.fixture
def extra_folder(tmp_path, mnist):
    """DIR/<digit>/sample.png: one real MNIST test digit of each, dark on light paper."""
    from PIL import Image

    extra = tmp_path / "extra"
    for digit in range(10):
        (extra / str(digit)).mkdir(parents=True)
        index = int(np.flatnonzero(mnist.y_test == digit)[0])
        Image.fromarray(255 - mnist.x_test[index]).save(extra / str(digit) / "sample.png")
    return extra


class Fed:
    """train.cli.make_datasets, writing down the training set it is given; `then` runs after
    (the real make_datasets, or a stop)."""

    def __init__(self, then):
        self.then = then
        self.train: tuple[np.ndarray, np.ndarray] | None = None

    def __call__(self, train, val, cfg, *rest):
        self.train = train
        return self.then(train, val, cfg, *rest)


def assert_trained_on(train_set, extra_folder) -> None:
    """The training set: LIMIT MNIST digits, then each extra image REPEAT times, read from its
    file as the app reads it."""
    from desktop.engine.recipes import file_inputs

    x, y = train_set
    assert len(x) == len(y) == LIMIT + 10 * REPEAT
    assert np.bincount(y[LIMIT:], minlength=10).tolist() == [REPEAT] * 10
    for digit in range(10):
        (wanted,) = file_inputs(extra_folder / str(digit) / "sample.png")
        copies = [i for i in range(LIMIT, len(x)) if np.array_equal(x[i], wanted)]
        assert len(copies) == REPEAT and all(y[i] == digit for i in copies)


class Stop(Exception):
    pass


def stop(*_args):
    raise Stop


def test_extra_images_are_mixed_into_training(tmp_path, mnist_dir, extra_folder, monkeypatch):
    """--extra reaches the training set (stopped before any training)."""
    import train.cli

    fed = Fed(stop)
    monkeypatch.setattr(train.cli, "make_datasets", fed)
    with pytest.raises(Stop):
        train.cli.main(["--data", str(mnist_dir), "--out", str(tmp_path / "runs"),
                        "--limit", str(LIMIT), "--extra", str(extra_folder),
                        "--extra-repeat", str(REPEAT), "--styles", "0", "--styled-val", "0"])
    assert_trained_on(fed.train, extra_folder)


def test_cut_digits_are_mixed_into_training(tmp_path, mnist_dir, monkeypatch):
    """--cut-digits reaches the training set (stopped before any training): digits no MNIST
    training image is, which the bundled model mostly reads as their labels."""
    import train.cli
    from desktop.engine.classifier import Classifier

    fed = Fed(stop)
    monkeypatch.setattr(train.cli, "make_datasets", fed)
    with pytest.raises(Stop):
        train.cli.main(["--data", str(mnist_dir), "--out", str(tmp_path / "runs"),
                        "--limit", str(LIMIT), "--cut-digits", "40", "--styles", "0",
                        "--styled-val", "0"])
    assert fed.train is not None
    x, y = fed.train
    assert len(x) == len(y) == LIMIT + 40
    mnist = x[:LIMIT].reshape(LIMIT, -1)
    cut = x[LIMIT:]
    assert not any((np.abs(mnist - c.reshape(1, -1)).max(axis=1) < 1e-6).any() for c in cut)
    assert (Classifier().predict(cut).argmax(axis=1) == y[LIMIT:]).mean() > 0.8


def test_fine_tune_from_model_with_extra_images(smoke_run, tmp_path, mnist_dir, extra_folder,
                                                monkeypatch):
    import train.cli

    fed = Fed(train.cli.make_datasets)
    monkeypatch.setattr(train.cli, "make_datasets", fed)
    runs = tmp_path / "runs"
    code = train.cli.main(["--data", str(mnist_dir), "--out", str(runs), "--limit", str(LIMIT),
                           "--epochs", "1", "--init-from", str(smoke_run / "model.keras"),
                           "--extra", str(extra_folder), "--extra-repeat", str(REPEAT),
                           "--styles", "0", "--styled-val", "0"])
    assert code == 0
    assert_trained_on(fed.train, extra_folder)
    (run_dir,) = runs.iterdir()
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["test_accuracy"] > 0.8  # started from the smoke model, not from scratch


@pytest.fixture(scope="module")
def tuned_run(smoke_run, tmp_path_factory, mnist_dir):
    """The smoke model trained on for one epoch: a fine-tuned run."""
    from train.cli import main

    runs = tmp_path_factory.mktemp("tuned")
    assert main(["--data", str(mnist_dir), "--out", str(runs), "--limit", "2000", "--epochs", "1",
                 "--batch-size", "32", "--init-from", str(smoke_run / "model.keras"),
                 "--learning-rate", "3e-3", "--finetune-lr-scale", "1",
                 "--styles", "0", "--styled-val", "0"]) == 0
    (run_dir,) = runs.iterdir()
    return run_dir


def test_a_soup_is_the_mean_of_the_tuned_weights_and_those_it_came_from(
        smoke_run, tuned_run, tmp_path, mnist_dir):
    import keras

    from train.calibrate import OUTPUT_LAYER, PROMISE
    from train.calibrate import main as calibrate_again
    from train.soup import main

    assert main([str(tuned_run), "--weight", "0.25", "--data", str(mnist_dir),
                 "--out", str(tmp_path)]) == 0
    (soup_run,) = tmp_path.iterdir()
    assert {"model.keras", "config.json", "metrics.json", "confusion_matrix.png",
            "misclassified.png"} <= {p.name for p in soup_run.iterdir()}
    base, tuned, soup = (keras.models.load_model(path) for path in (
        smoke_run / "model.keras", tuned_run / "model.keras", soup_run / "model.keras"))
    differ = 0
    for k, layer in enumerate(soup.layers):
        if layer.name == OUTPUT_LAYER:  # its kernel and bias also carry the new temperature
            continue
        for a, b, mean in zip(base.layers[k].get_weights(), tuned.layers[k].get_weights(),
                              layer.get_weights(), strict=True):
            np.testing.assert_allclose(mean, 0.75 * a + 0.25 * b, rtol=1e-5, atol=1e-6)
            differ += not np.allclose(a, b)
    assert differ  # the epoch of tuning moved the weights
    config = json.loads((soup_run / "config.json").read_text())
    assert config["soup"]["weight"] == 0.25
    assert config["init_from"] == str(tuned_run / "model.keras")  # the card adds its stages
    metrics = json.loads((soup_run / "metrics.json").read_text())
    assert metrics["test_accuracy"] > 0.8 and metrics["temperature"] > 0
    # its config.json names the soup's models beside the parameters
    assert calibrate_again([str(soup_run)]) == 0
    again = json.loads((soup_run / "metrics.json").read_text())
    # The promise raises the temperature in 5 % steps; on this small model's few sure digits
    # one digit crossing 90 % moves it a step or two (1.039 once came back as 1.143).
    assert again["temperature"] == pytest.approx(metrics["temperature"], rel=0.25)
    sure = again["mnist_validation_confident"]
    assert sure["accuracy"] is None or sure["accuracy"] >= PROMISE[1]


@pytest.fixture(scope="module")
def second_tuned_run(smoke_run, tmp_path_factory, mnist_dir):
    """The smoke model tuned again as tuned_run is, with another seed and the same split."""
    from train.cli import main

    runs = tmp_path_factory.mktemp("tuned2")
    assert main(["--data", str(mnist_dir), "--out", str(runs), "--limit", "2000", "--epochs", "1",
                 "--batch-size", "32", "--init-from", str(smoke_run / "model.keras"),
                 "--learning-rate", "3e-3", "--finetune-lr-scale", "1", "--seed", "7",
                 "--split-seed", "1234", "--styles", "0", "--styled-val", "0"]) == 0
    (run_dir,) = runs.iterdir()
    return run_dir


def test_a_soup_of_several_runs_gives_each_an_equal_share_of_theirs(
        smoke_run, tuned_run, second_tuned_run, tmp_path, mnist_dir):
    import keras

    from train.calibrate import OUTPUT_LAYER
    from train.soup import main

    assert main([str(tuned_run), str(second_tuned_run), "--data", str(mnist_dir),
                 "--out", str(tmp_path)]) == 0
    (soup_run,) = tmp_path.iterdir()
    base, one, two, soup = (keras.models.load_model(path / "model.keras") for path in (
        smoke_run, tuned_run, second_tuned_run, soup_run))
    for k, layer in enumerate(soup.layers):
        if layer.name != OUTPUT_LAYER:
            for a, b, c, mean in zip(base.layers[k].get_weights(), one.layers[k].get_weights(),
                                     two.layers[k].get_weights(), layer.get_weights(),
                                     strict=True):
                np.testing.assert_allclose(mean, 0.5 * a + 0.25 * b + 0.25 * c,
                                           rtol=1e-5, atol=1e-6)
    config = json.loads((soup_run / "config.json").read_text())
    assert config["soup"]["tuned"] == [str(tuned_run / "model.keras"),
                                       str(second_tuned_run / "model.keras")]
    # The card counts every run behind it: the start, both tuned runs, the soup (no training).
    from export.card import stage_seconds

    recorded = [json.loads((run / "metrics.json").read_text())["training_seconds"]
                for run in (smoke_run, tuned_run, second_tuned_run)]
    assert stage_seconds(soup_run) == [*recorded, 0.0]


def test_a_soup_refuses_runs_validated_on_other_digits(tuned_run, tmp_path, capsys):
    from train.soup import main

    other = tmp_path / "other"
    other.mkdir()
    config = json.loads((tuned_run / "config.json").read_text())
    (other / "config.json").write_text(json.dumps(config | {"seed": 7}))
    out = tmp_path / "soups"
    assert main([str(tuned_run), str(other), "--out", str(out)]) == 2
    assert "another validation split" in capsys.readouterr().err
    assert not out.exists()


def test_the_split_seed_keeps_the_validation_digits_of_another_seed():
    from train.config import TrainConfig
    from train.splits import split

    x, y = np.arange(600).reshape(600, 1), np.arange(600) % 10
    held = split(x, y, TrainConfig(val_split=100))[1][0]
    assert np.array_equal(split(x, y, TrainConfig(val_split=100, seed=7, split_seed=1234))[1][0],
                          held)
    assert not np.array_equal(split(x, y, TrainConfig(val_split=100, seed=7))[1][0], held)


def test_a_soup_needs_a_fine_tuned_run_and_a_share(smoke_run, tmp_path, capsys):
    from train.soup import main

    assert main([str(smoke_run), "--out", str(tmp_path)]) == 2
    assert "not trained on from another model" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main([str(smoke_run), "--weight", "1.5"])
    assert usage.value.code == 2
    assert not list(tmp_path.iterdir())


def test_mean_weights_refuses_two_different_networks():
    from train.soup import mean_weights

    one = [np.ones((3, 3)), np.zeros(3)]
    assert np.array_equal(mean_weights(one, [2 * w for w in one], 0.5)[0], np.full((3, 3), 1.5))
    with pytest.raises(ValueError, match="not the same network"):
        mean_weights(one, [np.ones((3, 4)), np.zeros(3)], 0.5)
