"""Distillation (train/distil.py): teachers checked before a run starts, targets mixed from the
labels and the teachers' reading, and a real run that learns from them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from desktop.engine.classifier import bundled_model_path
from tests.bad_models import bad_model


def test_a_teacher_reads_as_the_app_reads(mnist):
    from desktop.engine.classifier import Classifier
    from train.distil import Teacher, targets

    x, y = mnist.x_test[:300], mnist.y_test[:300]
    teacher = Teacher(bundled_model_path())
    app = Classifier().predict(x / 255.0)
    np.testing.assert_allclose(teacher.read(x), app, atol=1e-5)
    # All weight on the teacher, unsoftened: the targets are its reading.
    np.testing.assert_allclose(targets(x, y, [teacher], 1.0, 1.0), app, atol=1e-5)


def test_targets_mix_the_label_and_the_softened_reading(mnist):
    from train.distil import Teacher, targets

    x, y = mnist.x_test[:500], mnist.y_test[:500]
    teacher = Teacher(bundled_model_path())
    assert (targets(x, y, [], 0.5, 2.0) == np.eye(10)[y]).all()        # no teacher: labels
    assert (targets(x, y, [teacher], 0.0, 2.0) == np.eye(10)[y]).all()  # no weight: labels
    mixed = targets(x, y, [teacher, teacher], 0.5, 2.0)
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, atol=1e-5)
    rows = np.arange(len(y))
    # Half the weight stays on the label, so the label keeps the largest share everywhere...
    assert (mixed.argmax(axis=1) == y).all() and (mixed[rows, y] >= 0.5).all()
    # ...and the softened reading gives the other digits a share where the teacher saw one.
    other = mixed.copy()
    other[rows, y] = 0
    assert np.median(other.max(axis=1)) > 0.01
    read = teacher.read(x)
    read[rows, y] = 0
    resembles = other.argmax(axis=1) == read.argmax(axis=1)
    assert resembles.mean() > 0.95


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
    (["--teacher-temperature", "-1"], "--teacher-temperature -1.0: must be above 0"),
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
    assert code == 2 and err == [f"error: teacher {tmp_path / 'gone.onnx'}: no such file"]
    (run,) = (tmp_path / "runs").iterdir()
    assert not (run / "model.keras").exists()


@pytest.mark.slow
def test_a_run_learns_from_its_teacher(tmp_path, mnist_dir, capsys):
    """A short real run on targets from the bundled model: it trains, and the run folder says
    who taught it."""
    from train.cli import main

    runs = tmp_path / "runs"
    code = main(["--data", str(mnist_dir), "--out", str(runs), "--limit", "1000", "--epochs", "2",
                 "--batch-size", "32", "--styles", "0", "--styled-val", "0",
                 "--teachers", str(bundled_model_path()), "--teacher-weight", "0.5"])
    assert code == 0
    assert "teachers: 1 read 1000 training digits" in capsys.readouterr().out
    (run,) = runs.iterdir()
    config = json.loads((run / "config.json").read_text())
    assert config["teachers"] == [str(bundled_model_path())] and config["teacher_weight"] == 0.5
    assert json.loads((run / "metrics.json").read_text())["test_accuracy"] > 0.5
