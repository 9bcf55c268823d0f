"""Samples the app saves load back as training data with the right labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
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


def huge_png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width x height (no pixel data): what opening it costs is the
    check of its size."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_a_huge_or_half_written_picture_in_the_folder_is_listed_not_fatal(tmp_path):
    from desktop.user.samples import load_samples

    good = save_sample(tmp_path, 3, np.zeros((28, 28), np.float32), [], 0.0)
    (tmp_path / "3" / "huge.png").write_bytes(huge_png_header(30000, 30000))
    (tmp_path / "3" / "half.png").write_bytes(good.read_bytes()[:40])
    samples = load_samples(tmp_path)
    assert samples.paths == [good]
    assert sorted(line.split(": ", 1)[0].rsplit("/", 1)[1] for line in samples.unreadable) == \
        ["half.png", "huge.png"]


def test_a_sample_is_whole_or_absent_never_half_written(tmp_path, monkeypatch):
    """Stopped while the picture is written (Ctrl-C, a full disk), nothing of it stays."""
    from PIL import Image

    def stopped(self, fp, *args, **kwargs):
        Path(fp).write_bytes(b"\x89PNG\r\n")  # the start of the file, then the stop
        raise KeyboardInterrupt

    monkeypatch.setattr(Image.Image, "save", stopped)
    with pytest.raises(KeyboardInterrupt):
        save_sample(tmp_path, 5, np.zeros((28, 28), np.float32), [], 0.0)
    assert list((tmp_path / "5").iterdir()) == [] and count_samples(tmp_path)[5] == 0
