"""Distillation (train/distil.py): teachers checked before a run starts, training batches whose
targets mix the labels and the teachers' reading, and a real run with a teacher."""

from __future__ import annotations

import json

import numpy as np
import pytest

from desktop.engine.classifier import bundled_model_path
from tests.bad_models import bad_model


def test_a_teacher_reads_as_the_app_reads(mnist):
    from desktop.engine.classifier import Classifier
    from train.distil import Teacher

    x = mnist.x_test[:300]
    app = Classifier().predict(x / 255.0)
    np.testing.assert_allclose(Teacher(bundled_model_path()).read(x), app, atol=1e-5)
    np.testing.assert_allclose(Teacher(bundled_model_path()).read(x[..., None] / 255.0), app,
                               atol=1e-5)


def test_the_training_batches_carry_the_mixed_targets(mnist):
    """The dataset training reads: each batch's targets are half its labels, half what the
    teachers (here the bundled model twice) read in its images as the app reads them."""
    import tensorflow as tf

    from desktop.engine.classifier import Classifier
    from train.distil import Teacher, distilling

    x = (mnist.x_test[:96] / 255.0).astype(np.float32)[..., None]
    one_hot = np.eye(10, dtype=np.float32)[mnist.y_test[:96]]
    plain = tf.data.Dataset.from_tensor_slices((x, one_hot)).batch(32)
    teacher = Teacher(bundled_model_path())
    assert distilling(plain, [], 0.5) is plain and distilling(plain, [teacher], 0.0) is plain
    batches = list(distilling(plain, [teacher, teacher], 0.5).as_numpy_iterator())
    images = np.concatenate([b[0] for b in batches])
    targets = np.concatenate([b[1] for b in batches])
    assert np.array_equal(images, x)
    expected = 0.5 * one_hot + 0.5 * Classifier().predict(x[..., 0])
    np.testing.assert_allclose(targets, expected, atol=1e-5)
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("kind", ["text", "two-inputs", "missing"])
def test_a_bad_teacher_is_refused_in_one_line(tmp_path, kind):
    from train.data import DatasetError
    from train.distil import Teacher

    path = tmp_path / f"{kind} teacher.onnx"
    if kind == "text":
        path.write_text("not a model\n")
    elif kind == "two-inputs":
        bad_model(path, kind)
    with pytest.raises(DatasetError) as err:
        Teacher(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("flags, words", [
    (["--teacher-weight", "1.5"], "--teacher-weight 1.5: must lie in 0..1"),
    (["--teacher-weight", "-0.1"], "--teacher-weight -0.1: must lie in 0..1"),
])
def test_absurd_distillation_flags_are_refused(capsys, flags, words):
    from train.config import TrainConfig

    with pytest.raises(SystemExit) as stop:
        TrainConfig.from_argv(flags)
    assert stop.value.code == 2 and words in capsys.readouterr().err


def test_a_missing_teacher_stops_the_run_before_it_trains(tmp_path, mnist_dir, capsys):
    from train.cli import main

    code = main(["--data", str(mnist_dir), "--out", str(tmp_path / "runs"),
                 "--teachers", str(tmp_path / "gone.onnx")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"error: teacher {tmp_path / 'gone.onnx'}: model file not found"]
    (run,) = (tmp_path / "runs").iterdir()
    assert not (run / "model.keras").exists()


@pytest.mark.slow
def test_a_run_learns_from_its_teacher(tmp_path, mnist_dir, capsys):
    """A short real run on targets from the bundled model: it learns, and the run folder says
    who taught it (a run this short reads MNIST at 15-60 %, by chance more than by teacher)."""
    from train.cli import main

    runs = tmp_path / "runs"
    code = main(["--data", str(mnist_dir), "--out", str(runs), "--limit", "2000", "--epochs", "3",
                 "--batch-size", "32", "--styles", "0", "--styled-val", "0",
                 "--teachers", str(bundled_model_path()), "--teacher-weight", "0.5"])
    assert code == 0
    assert "teachers: 1, 50% of each target" in capsys.readouterr().out
    (run,) = runs.iterdir()
    config = json.loads((run / "config.json").read_text())
    assert config["teachers"] == [str(bundled_model_path())] and config["teacher_weight"] == 0.5
    loss = json.loads((run / "history.json").read_text())["loss"]
    assert len(loss) == 3 and loss[-1] < 0.8 * loss[0]  # it learns from the mixed targets
