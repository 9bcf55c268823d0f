"""Samples the app saves load back as training data with the right labels."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from desktop.engine.recipes import canvas_digit_input
from desktop.user.samples import count_samples, save_sample
from train.extra import load_extra

SEVEN = [[(20, 20), (120, 20), (60, 140)], [(45, 80), (105, 80)]]  # a crossed seven


def test_saved_sample_is_model_input_and_strokes(tmp_path):
    model_input = canvas_digit_input(SEVEN, thickness=14)
    png = save_sample(tmp_path, 7, model_input, SEVEN, 14)
    assert png.parent == tmp_path / "7" and png.suffix == ".png"
    pixels = np.asarray(Image.open(png))
    assert pixels.shape == (28, 28) and pixels.dtype == np.uint8
    np.testing.assert_allclose(pixels / 255.0, model_input, atol=1 / 255)
    record = json.loads(png.with_suffix(".json").read_text())
    assert record["digit"] == 7 and record["strokes"][1] == [[45, 80], [105, 80]]


def test_samples_never_overwrite_each_other(tmp_path):
    model_input = canvas_digit_input(SEVEN, thickness=14)
    paths = {save_sample(tmp_path, 7, model_input, SEVEN, 14) for _ in range(5)}
    assert len(paths) == 5
    assert count_samples(tmp_path) == {d: (5 if d == 7 else 0) for d in range(10)}


def test_samples_load_back_as_training_data(tmp_path, mnist):
    for digit in range(10):
        for index in np.flatnonzero(mnist.y_test == digit)[:2]:
            save_sample(tmp_path, digit, mnist.x_test[index] / 255.0, [], 0)
    (tmp_path / "3" / "notes.txt").write_text("not an image")
    images, labels, skipped = load_extra(tmp_path)
    assert sorted(labels.tolist()) == sorted(list(range(10)) * 2)
    assert images.shape == (20, 28, 28)
    assert len(skipped) == 1 and "notes.txt" in skipped[0]
    # Already MNIST-framed, so re-preprocessing changes them little.
    first = np.flatnonzero(mnist.y_test == labels[0])[0]
    assert np.abs(images[0] - mnist.x_test[first] / 255.0).mean() < 0.05
